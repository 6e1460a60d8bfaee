#!/usr/bin/env python
"""FT under the paper's own ablations at CPU scale (Tables 2-4, 6, 7).

Runs each ablation of the fixed protocol (``ftcl_mm.sweep.ablations``) as
``tools/studies/ft_study.py`` cells over the same seeds, in one work dir
so that tables share their runs (MoCo v2 base is pretrained once for
all of them), then writes one report:

* ``WORK_DIR/ablations.md``: per table, every cell beside the paper's
  number for the same setting, kNN and linear top-1 (mean +- std), the
  gain over the method's base paired by seed with its verdict, the
  encoder's positive / negative scores before and after FT, and the seeds
  still queued with the command that continues them;
* ``WORK_DIR/plots/<table>_accuracy.png`` (mean +- std per cell, random
  init as a line) and ``WORK_DIR/plots/<table>/score_curves.png`` (the
  cells' first-seed score curves, before / after FT; with the waterfall
  and gradient landscape).

Every run resumes (ft_study's result.json per run): run the same command
again to continue; ``--report-only`` writes the report from what has
finished.

Examples:
    # the whole protocol, in the issue's order
    python tools/studies/ft_ablations.py --work-dir work_dirs/ablations
    # Table 7 only, then the report of everything finished so far
    python tools/studies/ft_ablations.py --tables T7 \\
        --work-dir work_dirs/ablations
    python tools/studies/ft_ablations.py --report-only \\
        --work-dir work_dirs/ablations
"""

from __future__ import annotations

import argparse
import os.path as osp
import shlex
import subprocess
import sys

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.sweep.ablations import (
    ABLATIONS,
    STUDY,
    study_command,
    write_report,
)
from ftcl_mm.utils.cli import add_seeds, positive_int, run_main
from ftcl_mm.utils.errors import UserInputError

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Run the paper's FT ablations (Tables 2-4, 6, 7 and "
        'the training length) as ft_study cells over seeds and report each '
        "table beside the paper's numbers."
    )
    p.add_argument('--work-dir', required=True)
    p.add_argument(
        '--tables',
        nargs='+',
        choices=list(ABLATIONS),
        default=list(ABLATIONS),
        help='ablations to run, in this order (default: all, in the '
        "protocol's order: " + ' '.join(ABLATIONS) + ')',
    )
    add_seeds(p, [0, 1, 2], 'seeds of every cell (default: 0 1 2)')
    p.add_argument(
        '--jobs',
        type=positive_int,
        default=None,
        help="runs side by side (ft_study's default: cores // threads)",
    )
    p.add_argument(
        '--data-root',
        default=None,
        help='generated tiny data (default: data/demo, generated if absent)',
    )
    p.add_argument(
        '--report-only',
        action='store_true',
        help='write the report from the runs finished so far',
    )
    p.add_argument(
        '--dry-run',
        action='store_true',
        help='print the ft_study command of every table and exit',
    )
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)

    def command(key: str) -> list:
        return study_command(
            ABLATIONS[key],
            ROOT,
            args.work_dir,
            args.seeds,
            args.jobs,
            args.data_root,
        )

    if args.dry_run:
        for key in args.tables:
            cmd = command(key)
            print(f'{key}: python {shlex.join([STUDY, *cmd[1:]])}')
        return 0
    if args.report_only and not osp.isdir(args.work_dir):
        raise UserInputError(
            f'--work-dir {args.work_dir} does not exist; run the tables '
            'first (the same command without --report-only)'
        )
    failed = []
    if not args.report_only:
        for n, key in enumerate(args.tables, 1):
            cmd = command(key)
            print(
                f'[ft_ablations] table {n}/{len(args.tables)} {key}: '
                f'{ABLATIONS[key].title}',
                flush=True,
            )
            rc = subprocess.call([sys.executable, *cmd])
            if rc == 130:
                return 130
            if rc != 0:
                failed.append(f'{key} (ft_study exit {rc})')
    for path in write_report(args.work_dir, args.seeds, args.data_root):
        print(path)
    if failed:
        print(
            'ft_ablations.py: error: runs failed in ' + ', '.join(failed),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(run_main('ft_ablations.py', main))
