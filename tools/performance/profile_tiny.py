#!/usr/bin/env python
"""Where the time of a self-supervised training step goes, measured in one
process (ftcl_mm.engine.ssl_profile: pipeline per view, collate, batched
view augmentation on both backends, compute floor), and a short
``tools/train.py`` run (``--epochs``, the config's loader, hooks and
logging; first logging interval dropped) against that floor: the ratio is
what the data pipeline, the loader and the hooks cost.

Threads are set as in training (``$FTCL_THREADS``, default all cores).

Example:
    python tools/performance/profile_tiny.py \\
        configs/selfsup/tiny/simclr_tiny.py
    python tools/performance/profile_tiny.py \\
        configs/selfsup/tiny/mocov2_tiny.py --json work_dirs/profile.jsonl
"""

import argparse
import json
import os.path as osp
import statistics
import sys
import tempfile
from typing import Dict

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.utils.cli import add_cfg_options, run_main
from ftcl_mm.utils.errors import UserInputError

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description='Break a training step of a self-supervised config '
        'down (pipeline per view, collate, forward/backward, momentum '
        'encoder) and compare a real one-epoch run with its compute floor.'
    )
    p.add_argument('config', help='a self-supervised training config')
    p.add_argument(
        '--samples',
        type=int,
        default=256,
        help='images to time the pipeline on (default 256)',
    )
    p.add_argument(
        '--steps',
        type=int,
        default=8,
        help='train_step repetitions for the floor (default 8)',
    )
    p.add_argument(
        '--epochs',
        type=int,
        default=2,
        help='epochs of the tools/train.py run (default 2)',
    )
    p.add_argument(
        '--skip-run',
        action='store_true',
        help='no one-epoch tools/train.py run (pipeline and floor only)',
    )
    p.add_argument('--json', help='append the result as a JSON line here')
    add_cfg_options(p, 'config overrides for every part, key=value')
    args = p.parse_args(argv)
    for name in ('samples', 'steps', 'epochs'):
        if getattr(args, name) < 1:
            p.error(f'--{name} must be >= 1')
    return args


def full_run(args, work_dir: str) -> Dict[str, float]:
    """Per-iteration time of a short tools/train.py run (the config's
    loader, hooks and logging interval), warm-up interval dropped."""
    from ftcl_mm.engine.profiling import after_warmup, short_train_run

    rows, wall = short_train_run(
        ROOT,
        args.config,
        work_dir,
        args.cfg_options,
        [
            f'train_cfg.max_epochs={args.epochs}',
            'default_hooks.checkpoint.interval=1000',
        ],
    )
    rows = after_warmup([row for row in rows if 'time' in row])
    return dict(
        iteration=1000 * statistics.mean(r['time'] for r in rows),
        data_time=1000 * statistics.mean(r['data_time'] for r in rows),
        iterations=len(rows),
        wall_s=wall,
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    from ftcl_mm.utils.threads import configure_threads

    threads = configure_threads()
    import torch
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    import ftcl_mm  # noqa: F401
    from ftcl_mm.engine import ssl_profile

    if not osp.isfile(args.config):
        raise UserInputError(f'config {args.config} does not exist')
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    torch.manual_seed(0)
    print(
        f'[profile] {osp.basename(args.config)}: {threads} threads, '
        f'{args.samples} images for the pipeline',
        flush=True,
    )
    from ftcl_mm.utils.provenance import measurement

    recorded = measurement(ROOT, cfg)  # before the work: its load average
    result = dict(
        config=args.config,
        options=args.cfg_options,
        threads=threads,
        **ssl_profile.profile(cfg, args.samples, args.steps),
        **recorded,
    )
    if not args.skip_run:
        with tempfile.TemporaryDirectory() as work:
            result['run_ms'] = full_run(args, work)
        result['run_over_floor'] = (
            result['run_ms']['iteration'] / result['compute_ms']['step']
        )
    print(ssl_profile.format_report(result))
    if args.json:
        with open(args.json, 'a') as f:
            f.write(json.dumps(result) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(run_main('profile_tiny.py', main))
