#!/usr/bin/env python
"""Plot score statistics of one or more runs (the FT paper's figures).

Example:
    python tools/analysis/plot_scores.py work_dirs/m0.99 work_dirs/m0.5 \\
        --labels m=0.99 m=0.5 --smooth 20 --out work_dirs/plots
Writes score_curves, score_waterfall and grad_landscape as PNG and PDF.
"""

import argparse
import os.path as osp
import sys

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.utils.cli import run_main


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description='Plot positive/negative score statistics recorded by '
        'ScoreStatsHook (score_stats.csv in each run directory): 2D curves '
        '(paper Fig. 3), 3D waterfall (Fig. 5) and the gradient-norm '
        'landscape (Fig. 4), as PNG and PDF.'
    )
    p.add_argument(
        'runs',
        nargs='+',
        metavar='RUN_DIR',
        help='work dirs (or score_stats.csv files)',
    )
    p.add_argument(
        '--labels',
        nargs='+',
        help='one label per run (default: directory names)',
    )
    p.add_argument(
        '--smooth',
        type=int,
        default=1,
        help='moving-average window in iterations (default 1)',
    )
    p.add_argument(
        '--out',
        help='output directory (default: RUN_DIR/plots '
        'for one run, ./work_dirs/score_plots for several)',
    )
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from ftcl_mm.utils.errors import UserInputError
    from ftcl_mm.visualization import NoStatsError, plot_runs

    out = args.out or (
        osp.join(args.runs[0], 'plots')
        if len(args.runs) == 1
        else osp.join('work_dirs', 'score_plots')
    )
    if args.smooth < 1:
        raise UserInputError('--smooth must be >= 1')
    if osp.exists(out) and not osp.isdir(out):
        raise UserInputError(
            f'--out {out} is a file; pass a directory for the plots'
        )
    try:
        paths = plot_runs(args.runs, out, args.labels, args.smooth)
    except (NoStatsError, ValueError) as e:
        raise UserInputError(str(e)) from None
    for p in paths:
        print(p)
    return 0


if __name__ == '__main__':
    sys.exit(run_main('plot_scores.py', main))
