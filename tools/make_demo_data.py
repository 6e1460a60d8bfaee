#!/usr/bin/env python
"""Generate the deterministic demo dataset (ImageNet-style, VOC, COCO).

Example:
    python tools/make_demo_data.py --out data/demo
"""

import argparse
import os.path as osp
import sys
import time
from dataclasses import fields

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.datasets.demo_data import (
    DemoDataSpec,
    dataset_summary,
    generate_demo_data,
)
from ftcl_mm.utils.cli import positive_int, run_main
from ftcl_mm.utils.errors import UserInputError
from ftcl_mm.utils.threads import default_threads


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write a small synthetic dataset in the real ImageNet '
        '(folders + meta/*.txt), PASCAL VOC (VOCdevkit/VOC2007, VOC2012) '
        'and COCO (annotations/instances_*2017.json, polygon masks) '
        'formats. Deterministic for a given --seed; re-running with the '
        'same options is a no-op.'
    )
    parser.add_argument(
        '--out',
        default='data/demo',
        help='output directory (default: data/demo)',
    )
    defaults = DemoDataSpec()
    for f in fields(DemoDataSpec):
        parser.add_argument(
            '--' + f.name.replace('_', '-'),
            type=int,
            default=getattr(defaults, f.name),
            help=f'default: {getattr(defaults, f.name)}',
        )
    parser.add_argument(
        '--workers',
        type=positive_int,
        default=None,
        help='processes writing the parts side by side (default: '
        '$FTCL_THREADS, else the usable cores); the files do not depend '
        'on it',
    )
    parser.add_argument(
        '--force',
        action='store_true',
        help='regenerate even if the directory exists',
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        spec = DemoDataSpec(
            **{f.name: getattr(args, f.name) for f in fields(DemoDataSpec)}
        )
        t0 = time.time()
        made = generate_demo_data(
            args.out,
            spec,
            force=args.force,
            workers=args.workers or default_threads(),
        )
    except (ValueError, FileExistsError, OSError) as e:
        raise UserInputError(str(e)) from None
    counts = ', '.join(
        f'{k}: {v} images' for k, v in dataset_summary(args.out).items()
    )
    state = (
        f'generated in {time.time() - t0:.1f}s'
        if made
        else 'up to date, reused'
    )
    print(f'demo data at {osp.abspath(args.out)} ({state}; {counts})')
    return 0


if __name__ == '__main__':
    sys.exit(run_main('make_demo_data.py', main))
