#!/usr/bin/env python
"""FT's fair test: run the fixed protocol and write its report.

The published page (docs/reports/fair_test.md) is the book's: ``python
tools/studies/book.py run fair_test --work-dir DIR`` runs what it lacks
through this tool and stores the runs; ``python tools/studies/book.py
report fair_test`` writes it.

The protocol (``ftcl_mm.sweep.fair_test``): MoCo v2 tiny at 60 epochs
(base, paper FT, premise-gated FT, FT from epoch 30, bounded
extrapolation, re-normalised FT, negative interpolation only, and the
paper's MLP head without / with FT) and SimCLR tiny at 20 epochs (base,
paper FT, gated FT), seeds 0-4, each cell paired with its base by seed,
evaluated on the 10,000 held-out images. Each cell is an
``ft_study.py`` run (resumable: the same command continues). Once every
MoCo v2 cell has all five seeds, the verdict picks the best FT cell (C if
none gains) and the tiny VOC detector is fine-tuned from it and its base
(backbone seeds 0-2). The report (``WORK_DIR/fair_test.md`` and plots) is
written from the finished runs.

Examples:
    python tools/studies/ft_fair_test.py --work-dir work_dirs/ft_fair_test
    python tools/studies/ft_fair_test.py --blocks simclr --seeds 0 1 \\
        --work-dir work_dirs/ft_fair_test
    python tools/studies/ft_fair_test.py --report-only \\
        --work-dir work_dirs/ft_fair_test --out work_dirs/fair_test.md
"""

import argparse
import os.path as osp
import subprocess
import sys

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.sweep import fair_test
from ftcl_mm.utils.cli import add_seeds, positive_int, run_main
from ftcl_mm.utils.errors import UserInputError

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Run FT's fair test (fixed protocol) and write its report."
    )
    p.add_argument('--work-dir', required=True)
    p.add_argument(
        '--blocks',
        nargs='+',
        choices=list(fair_test.BLOCKS),
        default=list(fair_test.BLOCKS),
        help='blocks to run (default: all, in this order)',
    )
    add_seeds(p, list(fair_test.SEEDS), 'seeds (default: 0 1 2 3 4)')
    p.add_argument(
        '--jobs',
        type=positive_int,
        default=None,
        help="runs side by side (ft_study's default: cores // threads)",
    )
    p.add_argument('--data-root', default=None, help='see ft_study.py')
    p.add_argument(
        '--report-only',
        action='store_true',
        help='write the report from the finished runs only',
    )
    p.add_argument(
        '--out',
        default=None,
        help='the report (default: WORK_DIR/fair_test.md)',
    )
    p.add_argument(
        '--store',
        metavar='DIR',
        default=None,
        help='first copy what the report reads of every finished run '
        '(results, score and kNN-curve files; no checkpoints) to DIR and '
        'report from there (e.g. docs/reports/runs)',
    )
    return p.parse_args(argv)


def _ft_study(args, block, method, variants, seeds, extra=()) -> list:
    cmd = [
        osp.join(ROOT, 'tools/studies/ft_study.py'),
        '--methods',
        method,
        '--variants',
        *variants,
        '--seeds',
        *map(str, seeds),
        '--epochs',
        str(block.epochs),
        '--no-random-init',
        '--work-dir',
        block.work_dir(args.work_dir),
    ]
    if args.jobs:
        cmd += ['--jobs', str(args.jobs)]
    if args.data_root:
        cmd += ['--data-root', args.data_root]
    if extra:
        cmd += ['--cfg-options', *extra]
    return cmd


def plan(args) -> list:
    """Steps, cell-major over the seeds: ``('study', cmd)`` an
    ft_study.py call, ``('seed', block, cell, seed)`` start a
    prefix-sharing cell from its base's checkpoint.

    Per method: its base for every seed (keeping every checkpoint when
    prefix cells need them), then the prefix cells (the cheapest, as they
    start from the base's checkpoints), then the other cells. One call
    holds every seed of its cells, so ``--jobs`` runs are always side by
    side (seed-major calls left a base run alone on the machine); each
    call runs its seeds in order, so an interrupted queue has the low
    seeds of every cell it reached.
    """
    steps = []
    seeds = list(args.seeds)
    for key in args.blocks:
        block = fair_test.BLOCKS[key]
        for method, variants in block.study_calls():
            shared = [v for v in variants if v in block.prefix]
            rest = [v for v in variants if v not in shared]
            if shared and 'base' in rest:
                steps.append(
                    (
                        'study',
                        _ft_study(
                            args,
                            block,
                            method,
                            ['base'],
                            seeds,
                            [fair_test.KEEP_ALL_CHECKPOINTS],
                        ),
                    )
                )
                rest.remove('base')
            for v in shared:
                cell = next(
                    c
                    for c in block.cells
                    if (c.method, c.variant) == (method, v)
                )
                for seed in seeds:
                    steps.append(('seed', block, cell, seed))
            if shared:
                steps.append(
                    ('study', _ft_study(args, block, method, shared, seeds))
                )
            if rest:
                steps.append(
                    ('study', _ft_study(args, block, method, rest, seeds))
                )
    return steps


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.report_only and not osp.isdir(args.work_dir):
        raise UserInputError(
            f'--work-dir {args.work_dir} does not exist; run the protocol '
            'first (the same command without --report-only)'
        )
    if not args.report_only:
        for n, step in enumerate(plan(args), 1):
            if step[0] == 'seed':
                _, block, cell, seed = step
                epoch = fair_test.seed_from_base(
                    args.work_dir, block, cell, seed
                )
                if epoch is not None:
                    print(
                        f'[ft_fair_test] {cell.key} seed {seed} starts from '
                        f'its base run at epoch {epoch} (the shared prefix)'
                    )
                continue
            cmd = step[1]
            print(f'[ft_fair_test] call {n}: {" ".join(cmd[1:8])} ...')
            rc = subprocess.call([sys.executable, *cmd])
            if rc == 130:
                return 130
            if rc != 0:
                print(
                    f'ft_fair_test.py: error: ft_study exited {rc}',
                    file=sys.stderr,
                )
                return 1
        if fair_test.DETECTION_BLOCK in args.blocks:
            failed = fair_test.run_detection(
                args.work_dir, ROOT, args.jobs or 2, args.data_root
            )
            if failed:
                print('\n'.join(failed), file=sys.stderr)
                return 1
    root = args.work_dir
    if args.store:
        n = fair_test.store_runs(root, args.store, args.blocks, args.seeds)
        print(f'[ft_fair_test] stored {n} runs in {args.store}')
        root = args.store
    for path in fair_test.write_report(
        root, args.seeds, args.out, args.blocks
    ):
        print(path)
    return 0


if __name__ == '__main__':
    sys.exit(run_main('ft_fair_test.py', main))
