#!/usr/bin/env python
"""Evaluate one frozen backbone on the tiny regime's downstream suite and
write one row (docs/downstream.md).

Tasks (generated with the data by tools/make_demo_data.py): the coarse
task (the pretraining outlines, 10,000 held-out images), colour (hue
bins), rotation (quarter turns), fine-grained (50 outline x detail
classes, CUB-200 layout), 5-way 1/5-shot episodes on the fine-grained
classes, and the coarse task under 4 corruptions x 5 severities. kNN (k =
20) and the config's linear head on features cached once per task; the
few-shot episodes by nearest class mean.

Example:
    python tools/benchmarks/downstream_suite.py \\
        configs/benchmarks/classification/tiny/resnet18w16_linear_tiny.py \\
        --pretrained work_dirs/demo/backbone.pth --out work_dirs/suite.json
"""

import argparse
import os.path as osp
import sys
import time

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.utils.cli import positive_int, run_main
from ftcl_mm.utils.errors import ConfigError

DEFAULT_CONFIG = (
    'configs/benchmarks/classification/tiny/resnet18w16_linear_tiny.py'
)


def parse_args(argv=None) -> argparse.Namespace:
    from ftcl_mm.evaluation.suite import SUITE_TASKS

    p = argparse.ArgumentParser(
        description='Score a frozen backbone on every downstream task of '
        'the tiny regime (one row).'
    )
    p.add_argument(
        'config',
        nargs='?',
        default=DEFAULT_CONFIG,
        help='linear-evaluation config that builds the backbone and the '
        f'probe (default: {DEFAULT_CONFIG})',
    )
    p.add_argument(
        '--pretrained',
        required=True,
        help='backbone from tools/convert_ckpt.py, or "none"',
    )
    p.add_argument(
        '--tasks',
        nargs='+',
        default=list(SUITE_TASKS),
        help=f'tasks (default: all: {" ".join(SUITE_TASKS)})',
    )
    p.add_argument(
        '--data-root',
        default=None,
        help='generated data root (default: $FTCL_DEMO_DATA or data/demo)',
    )
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--episodes', type=positive_int, default=200)
    p.add_argument('--batch-size', type=positive_int, default=256)
    p.add_argument('--out', help='write the row as JSON here')
    return p.parse_args(argv)


def main(argv=None) -> int:
    import os

    args = parse_args(argv)
    from ftcl_mm.evaluation.suite import SUITE_TASKS, missing_tasks

    unknown = [t for t in args.tasks if t not in SUITE_TASKS]
    if unknown:
        raise ConfigError(
            f'--tasks: no task {unknown[0]!r}; choose from '
            f'{" ".join(SUITE_TASKS)}'
        )
    if args.out and osp.isdir(args.out):
        raise ConfigError(f'--out {args.out} is a directory; pass a file name')
    root = args.data_root or os.environ.get('FTCL_DEMO_DATA') or 'data/demo'
    missing = missing_tasks(root, args.tasks)
    if missing:
        raise ConfigError(
            f'{root} has no {missing[0]} task; generate the data with '
            f'python tools/make_demo_data.py --out {root}'
        )
    from ftcl_mm.utils.threads import configure_threads

    try:
        threads = configure_threads()
    except ValueError as e:
        raise ConfigError(str(e)) from None
    import torch

    import ftcl_mm  # noqa: F401
    from ftcl_mm.engine.frozen_model import (
        build_frozen_model,
        check_backbone_file,
    )
    from ftcl_mm.engine.train_setup import load_config
    from ftcl_mm.evaluation.suite import evaluate_suite
    from ftcl_mm.utils.fileio import write_json

    cfg = load_config(args.config)
    check_backbone_file(cfg, args.pretrained)  # this width and depth
    model = build_frozen_model(cfg, args.seed)
    t0 = time.time()
    try:
        row = evaluate_suite(
            model,
            cfg,
            root,
            args.tasks,
            torch.device('cpu'),
            args.batch_size,
            args.seed,
            episodes=args.episodes,
        )
    except ValueError as e:  # too few images for an episode
        raise ConfigError(
            f'{e}; generate more with tools/make_demo_data.py '
            '--suite-per-class N'
        ) from None
    row = dict(pretrained=args.pretrained, config=args.config, **row)
    print(f'[suite] {time.time() - t0:.1f}s ({threads} threads)')
    if args.out:
        write_json(args.out, row)
    return 0


if __name__ == '__main__':
    sys.exit(run_main('downstream_suite.py', main))
