#!/usr/bin/env python
"""Reproduce the paper's MoCo momentum study and plot it in one command.

Trains MoCo v2 once per momentum m (paper: 0.99, 0.9, 0.6, 0.5; mmpretrain's
``model.momentum`` is 1 - m) with score statistics recorded, then writes the
score curves, the 3D waterfall and the gradient-norm landscape, where the
collapse of m=0.5 shows. The logic: ``ftcl_mm.sweep.momentum``.

Examples:
    # CPU, the tiny regime (python tools/make_demo_data.py first)
    python tools/studies/momentum_study.py --epochs 10
    # CPU, the test tier (R18 at full width, 16 images per step)
    python tools/studies/momentum_study.py --scale demo
    # paper size: ImageNet-100, R50, 8 GPUs
    python tools/studies/momentum_study.py --scale paper --gpus 8 \\
        --data-root data/imagenet/
Interrupted runs resume from their last checkpoint when run again.
"""

import argparse
import os.path as osp
import sys

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.sweep import momentum
from ftcl_mm.utils.cli import positive_int, run_main

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

CONFIGS = momentum.CONFIGS


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
        '(docs/reports/narratives/tiny_regime.md); demo: the test tier '
        '(R18, 16 images per step); paper: ImageNet-100, R50 (default: '
        'tiny)',
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


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        failed = momentum.run(
            ROOT,
            args.work_dir,
            args.momentums,
            args.scale,
            args.gpus,
            args.cfg_options,
            args.data_root,
            args.epochs,
            args.smooth,
        )
    except KeyboardInterrupt:
        return 130
    if failed:
        print(
            'momentum_study.py: error: ' + '; '.join(failed), file=sys.stderr
        )
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(run_main('momentum_study.py', main))
