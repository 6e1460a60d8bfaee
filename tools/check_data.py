#!/usr/bin/env python
"""List the images of a config's datasets that training cannot use.

Builds the train/val/test datasets a config reads (classification,
self-supervised or detection; the annotation files decide which images),
checks every image in parallel with a progress bar, and lists:

* fatal: missing file (also an annotation pointing to a missing image),
  0 bytes, truncated or not decodable;
* odd: a colour mode other than RGB (CMYK, grayscale, palette, alpha):
  decoders convert these, but they often mark files from another source.

Exit code: 0 if nothing was found, 1 if any image is listed (with
``--fatal-only``: any fatal one), 2 for a configuration mistake.

Examples:
    python tools/check_data.py configs/selfsup/demo/mocov2_ft_demo.py
    python tools/check_data.py configs/selfsup/mocov2_ft.py --jobs 16 \\
        --cfg-options train_dataloader.dataset.data_root=data/imagenet/ \\
        --out work_dirs/bad_images.tsv
"""

import argparse
import os
import os.path as osp
import sys

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.utils.cli import add_cfg_options, run_main
from ftcl_mm.utils.errors import ConfigError

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description='Check every image of the datasets a config reads and '
        'list those that are missing, empty, truncated/undecodable or not '
        'RGB.'
    )
    p.add_argument('config', help='a training or benchmark config')
    p.add_argument(
        '--splits',
        nargs='+',
        choices=['train', 'val', 'test'],
        default=['train', 'val', 'test'],
        help='which dataloaders to check (default: all the config has)',
    )
    p.add_argument(
        '--jobs',
        type=int,
        default=os.cpu_count() or 1,
        help='parallel processes (default: all cores)',
    )
    p.add_argument(
        '--fatal-only',
        action='store_true',
        help='list and count only images that cannot be read',
    )
    p.add_argument('--out', help='also write the list here (TSV)')
    add_cfg_options(
        p,
        'config overrides key=value, e.g. '
        'train_dataloader.dataset.data_root=PATH',
    )
    p.add_argument('--debug', action='store_true', help='traceback on errors')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    import ftcl_mm  # noqa: F401  (registers the datasets)
    from ftcl_mm.datasets.image_check import FATAL, image_paths, scan_images
    from ftcl_mm.engine.train_setup import check_data_paths, load_config
    from ftcl_mm.utils.fileio import write_text

    cores = os.cpu_count() or 1
    if not 1 <= args.jobs <= 4 * cores:
        # Each job is a process holding decoded images: thousands of them
        # fill the memory (and the OOM killer spares none).
        raise ConfigError(
            f'--jobs must be between 1 and {4 * cores} (4 x the {cores} '
            f'cores of this machine), got {args.jobs}'
        )
    if args.out and osp.isdir(args.out):
        raise ConfigError(
            f'--out {args.out} is a directory; pass a file name, e.g. '
            f'{osp.join(args.out, "bad_images.tsv")}'
        )
    cfg = load_config(args.config, args.cfg_options)
    wanted = [f'{s}_dataloader' for s in args.splits]
    check_data_paths(cfg, [loader for loader in LOADERS if loader in wanted])
    per_split = image_paths(cfg, args.splits)
    paths = sorted({p for ps in per_split.values() for p in ps})
    counts = ', '.join(f'{s} {len(p)}' for s, p in per_split.items())
    if not paths:
        raise ConfigError(
            f'the config lists no images ({counts}) for --splits '
            f'{" ".join(args.splits)}; check its data_root and ann_file '
            '(docs/data.md has the layouts)'
        )
    print(
        f'[check_data] {len(paths)} images ({counts}) with '
        f'{args.jobs} processes',
        flush=True,
    )
    problems = scan_images(paths, args.jobs, args.fatal_only)
    for path, kind, detail in problems:
        level = 'fatal' if kind in FATAL else 'odd'
        print(f'{level}\t{kind}\t{path}\t{detail}')
    if args.out:
        write_text(
            args.out,
            'level\tkind\tpath\tdetail\n'
            + ''.join(
                f'{"fatal" if k in FATAL else "odd"}\t{k}\t{p}\t{d}\n'
                for p, k, d in problems
            ),
        )
    fatal = sum(k in FATAL for _, k, _ in problems)
    print(
        f'[check_data] {fatal} unreadable, {len(problems) - fatal} odd, '
        f'{len(paths) - len(problems)} fine'
    )
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(run_main('check_data.py', main))
