#!/usr/bin/env python
"""Reproduce the paper's MoCo momentum study and plot it in one command.

Trains MoCo v2 once per momentum m (paper: 0.99, 0.9, 0.6, 0.5; mmpretrain's
``model.momentum`` is 1 - m) with score statistics recorded, then writes the
score curves, the 3D waterfall and the gradient-norm landscape, where the
collapse of m=0.5 shows.

Examples:
    # CPU, the tiny regime (python tools/make_demo_data.py first)
    python tools/studies/momentum_study.py --epochs 10
    # CPU, the older demo size (R18 at full width, 16 images per step)
    python tools/studies/momentum_study.py --scale demo
    # paper size: ImageNet-100, R50, 8 GPUs
    python tools/studies/momentum_study.py --scale paper --gpus 8 \\
        --data-root data/imagenet/
Interrupted runs resume from their last checkpoint when run again.
"""

import argparse
import os
import os.path as osp
import sys

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.sweep import Sweep, SweepJob, ToolCalls
from ftcl_mm.utils.cli import positive_int, run_main
from ftcl_mm.utils.errors import UserInputError

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

CONFIGS = dict(
    tiny='configs/selfsup/tiny/mocov2_tiny.py',
    demo='configs/selfsup/demo/mocov2_demo.py',
    paper='configs/selfsup/mocov2_in100.py',
)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description='Train MoCo v2 for several momentum values with score '
        'statistics recorded, then plot them (paper Figs. 3-5).'
    )
    p.add_argument(
        '--scale',
        choices=sorted(CONFIGS),
        default='tiny',
        help='tiny: the CPU regime on generated data '
        '(docs/reports/narratives/tiny_regime.md); demo: the older CPU '
        'demo size; '
        'paper: ImageNet-100, R50 (default: tiny)',
    )
    p.add_argument(
        '--momentums',
        type=float,
        nargs='+',
        default=[0.99, 0.9, 0.6, 0.5],
        help='MoCo momentum values m (default: 0.99 0.9 0.6 0.5)',
    )
    p.add_argument(
        '--gpus',
        type=positive_int,
        default=1,
        help='processes per run (>1 uses tools/dist_train.sh)',
    )
    p.add_argument(
        '--epochs', type=int, default=None, help='override the config epochs'
    )
    p.add_argument(
        '--data-root',
        default=None,
        help="dataset root (default: the config's)",
    )
    p.add_argument('--work-dir', default='work_dirs/momentum_study')
    p.add_argument(
        '--smooth',
        type=int,
        default=1,
        help='moving-average window for the plots',
    )
    p.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        help='extra overrides for every run',
    )
    args = p.parse_args(argv)
    for m in args.momentums:
        if not 0 < m < 1:
            p.error(f'momentum {m} must be in (0, 1)')
    return args


def train_options(args, m: float) -> list:
    """``--cfg-options`` of the run with momentum ``m``."""
    opts = [f'model.momentum={1 - m:.6g}', *args.cfg_options]
    if args.data_root:
        opts.append(f'train_dataloader.dataset.data_root={args.data_root}')
    if args.epochs:
        opts += [
            f'train_cfg.max_epochs={args.epochs}',
            f'param_scheduler.0.T_max={args.epochs}',
            f'param_scheduler.0.end={args.epochs}',
        ]
    return opts


def main(argv=None) -> int:
    args = parse_args(argv)
    # Checked here, not by the first training run: one line, no run.
    if args.data_root and not osp.isdir(args.data_root):
        raise UserInputError(
            f'--data-root {args.data_root} does not exist; generate the '
            'tiny data with tools/make_demo_data.py or pass your dataset'
        )
    calls = ToolCalls(ROOT, dict(os.environ), args.gpus)
    jobs, labels = [], []
    for m in args.momentums:
        work_dir = osp.join(args.work_dir, f'm{m:g}')

        def train(m=m, work_dir=work_dir) -> dict:
            calls.call(
                calls.train(
                    CONFIGS[args.scale],
                    work_dir,
                    '--resume',
                    '--cfg-options',
                    *train_options(args, m),
                ),
                osp.join(work_dir, 'study.log'),
            )
            return dict(momentum=m)

        jobs.append(SweepJob(f'm={m:g}', work_dir, train))
        labels.append(f'm={m:g}')
    # One run at a time: each takes every core it is given.
    try:
        failed = Sweep('momentum_study').run(jobs)
    except KeyboardInterrupt:
        return 130
    if failed:
        print(
            'momentum_study.py: error: ' + '; '.join(failed), file=sys.stderr
        )
        return 1
    from ftcl_mm.visualization import plot_runs

    out = osp.join(args.work_dir, 'plots')
    for path in plot_runs(
        [j.work_dir for j in jobs], out, labels, args.smooth
    ):
        print(path)
    return 0


if __name__ == '__main__':
    sys.exit(run_main('momentum_study.py', main))
