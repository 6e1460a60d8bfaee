#!/usr/bin/env python
"""Where the time of a detector's training and validation step goes, and a
short real run against its floors (ftcl_mm.engine.det_profile).

Threads are set as in training ($FTCL_THREADS, default all cores).

Examples:
    D=configs/benchmarks/mmdetection/tiny
    python tools/performance/profile_det.py \\
        $D/faster-rcnn_r18w16-c4_tinydet_voc.py
    python tools/performance/profile_det.py \\
        $D/mask-rcnn_r18w16-c4_tinydet_coco.py --iters 60 \\
        --json work_dirs/profile_det.jsonl
"""

import argparse
import json
import os.path as osp
import sys
import tempfile

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.utils.cli import add_cfg_options, positive_int, run_main
from ftcl_mm.utils.errors import UserInputError

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description='Break a detector training and validation step down '
        '(pipelines, backbone, RPN, RoI head with res5 per RoI, mask head, '
        'metric) and compare a short tools/train.py run with its floors.'
    )
    p.add_argument('config', help='an mmdet detection config')
    p.add_argument(
        '--samples',
        type=positive_int,
        default=64,
        help='images to time each pipeline on (default 64)',
    )
    p.add_argument(
        '--steps',
        type=positive_int,
        default=5,
        help='repetitions of each floor (default 5)',
    )
    p.add_argument(
        '--val-batches',
        type=positive_int,
        default=4,
        help='validation batches for the test floor and the '
        'metric (default 4)',
    )
    p.add_argument(
        '--iters',
        type=int,
        default=40,
        help='training iterations of the tools/train.py run, '
        'validated at the end; 0 skips the run (default 40)',
    )
    p.add_argument(
        '--pretrained',
        default='none',
        help='backbone checkpoint (tools/convert_ckpt.py output) '
        'or none for random init (default none)',
    )
    p.add_argument('--json', help='append the result as a JSON line here')
    add_cfg_options(p, 'config overrides for every part, key=value')
    args = p.parse_args(argv)
    if args.iters < 0:
        p.error('--iters must be >= 0')
    return args


def full_run(args, work_dir: str) -> dict:
    """tools/train.py for ``--iters`` iterations, validated at the end."""
    from ftcl_mm.engine.det_profile import logged_times
    from ftcl_mm.engine.profiling import short_train_run

    n = args.iters
    rows, _ = short_train_run(
        ROOT,
        args.config,
        work_dir,
        args.cfg_options,
        [
            f'train_cfg.max_iters={n}',
            f'train_cfg.val_interval={n}',
            f'param_scheduler.1.end={n}',
            f'param_scheduler.1.milestones=[{n}]',
            f'default_hooks.checkpoint.interval={n}',
            f'default_hooks.logger.interval={max(1, n // 4)}',
        ],
        pretrained=args.pretrained,
    )
    return logged_times(rows)


def main(argv=None) -> int:
    args = parse_args(argv)
    from ftcl_mm.utils.threads import configure_threads

    threads = configure_threads()
    import torch
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    import ftcl_mm  # noqa: F401
    from ftcl_mm.engine import det_profile
    from ftcl_mm.engine.train_setup import set_pretrained

    if not osp.isfile(args.config):
        raise UserInputError(f'config {args.config} does not exist')
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    if cfg.get('default_scope') != 'mmdet':
        raise UserInputError(
            f'{args.config} is not an mmdet config (default_scope '
            f'{cfg.get("default_scope")!r}); profile self-supervised '
            'configs with tools/performance/profile_tiny.py'
        )
    if args.pretrained != 'none' and not osp.isfile(args.pretrained):
        raise UserInputError(f'--pretrained {args.pretrained} does not exist')
    set_pretrained(cfg, args.pretrained)
    init_default_scope('mmdet')
    torch.manual_seed(0)
    print(f'[profile_det] {osp.basename(args.config)}: {threads} threads',
          flush=True)  # fmt: skip
    from ftcl_mm.utils.provenance import measurement

    recorded = measurement(ROOT, cfg)  # before the work: its load average
    result = det_profile.profile(
        cfg, args.samples, args.steps, args.val_batches
    )
    result.update(
        config=args.config,
        threads=threads,
        options=args.cfg_options,
        **recorded,
    )
    if args.iters:
        print(f'[profile_det] tools/train.py, {args.iters} iterations '
              '+ validation', flush=True)  # fmt: skip
        with tempfile.TemporaryDirectory() as work:
            run = result['run'] = full_run(args, work)
        result['run_over_floor'] = det_profile.run_ratios(result, run)
    print(det_profile.format_report(result))
    if args.json:
        with open(args.json, 'a') as f:
            f.write(json.dumps(result) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(run_main('profile_det.py', main))
