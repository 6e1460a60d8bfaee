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
import os
import os.path as osp
import shlex
import subprocess
import sys
from typing import List

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.sweep.ablations import (
    ABLATIONS,
    Ablation,
    ablation_markdown,
    cell_summary,
    load_results,
)
from ftcl_mm.utils.cli import add_seeds, positive_int, run_main
from ftcl_mm.utils.errors import UserInputError
from ftcl_mm.utils.fileio import write_text

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
STUDY = 'tools/studies/ft_study.py'


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


def study_command(args, ablation: Ablation) -> List[str]:
    """The ft_study call that runs (or resumes) ``ablation``'s cells."""
    cmd = [
        osp.join(ROOT, STUDY),
        '--methods',
        *ablation.methods,
        '--variants',
        *ablation.variants,
        '--seeds',
        *map(str, args.seeds),
        '--work-dir',
        ablation.work_dir(args.work_dir),
    ]
    if ablation.epochs:
        cmd += ['--epochs', str(ablation.epochs), '--no-random-init']
    if args.jobs:
        cmd += ['--jobs', str(args.jobs)]
    if args.data_root:
        cmd += ['--data-root', args.data_root]
    return cmd


def continue_command(args, ablation: Ablation) -> str:
    """The user-facing command that continues one table."""
    cmd = [
        'python',
        'tools/studies/ft_ablations.py',
        '--tables',
        ablation.key,
        '--seeds',
        *map(str, args.seeds),
        '--work-dir',
        args.work_dir,
    ]
    if args.data_root:
        cmd += ['--data-root', args.data_root]
    return shlex.join(cmd)


def write_report(args) -> List[str]:
    """``ablations.md`` and the plots from every finished run."""
    from ftcl_mm.sweep import aggregate
    from ftcl_mm.visualization import (
        NoStatsError,
        plot_accuracy_bars,
        plot_runs,
    )

    plots_dir = osp.join(args.work_dir, 'plots')
    os.makedirs(plots_dir, exist_ok=True)
    random = [
        r
        for r in load_results(args.work_dir, args.seeds)
        if r['method'] == 'random'
    ]
    sections, written = [], []
    for key in ABLATIONS:
        ablation = ABLATIONS[key]
        wd = ablation.work_dir(args.work_dir)
        results = load_results(wd, args.seeds)
        rows = cell_summary(ablation, results, args.seeds)
        plots = []
        summary = aggregate(
            [
                r
                for r in results
                if (r['method'], r['variant'])
                in {c.key for c in ablation.cells}
            ]
            + random,
            group=('method', 'variant'),
            metrics=('knn_top1', 'linear_top1'),
        )
        png = plot_accuracy_bars(
            summary, osp.join(plots_dir, f'{key}_accuracy')
        )
        if png:
            plots.append(png)
        first = {
            (r['method'], r['variant']): r
            for r in results
            if r['seed'] == args.seeds[0] and r['method'] != 'random'
        }
        done = [c for c in ablation.cells if c.key in first]
        if done:
            try:
                curves = plot_runs(
                    [
                        osp.join(
                            wd,
                            c.method,
                            c.variant,
                            f'seed{args.seeds[0]}',
                            'pretrain',
                        )
                        for c in done
                    ],
                    osp.join(plots_dir, key),
                    [f'{c.method} {c.variant}' for c in done],
                    window=5,
                )
                plots += [p for p in curves if p.endswith('score_curves.png')]
                written += curves
            except NoStatsError as e:
                print(f'[ft_ablations] no score plots for {key}: {e}')
        written += [p for p in plots if p not in written]
        sections.append(
            ablation_markdown(
                ablation,
                rows,
                continue_command(args, ablation),
                [osp.relpath(p, args.work_dir) for p in plots],
            )
        )
    head = [
        "# FT under the paper's ablations (tiny regime)",
        '',
        f'Seeds {args.seeds} in every cell; kNN (k = 20) and cached linear '
        'top-1 (%) on the 1000 held-out images; gains paired by seed '
        "against the method's baseline of the same table; verdict: gain > 1 "
        'std, loss > 1 std, within 1 std. Scores: mean over the last 10 % of '
        "pretraining of the encoder's positive / negative cosine scores and "
        'the negative variance (before FT), and what the loss sees after FT; '
        "eff. rank: the effective rank (RankMe) of the backbone's features "
        'of the 5000 training images (random init ~26 of 128). '
        'Random init: '
        + (
            ', '.join(
                f'seed {r["seed"]} {r.get("knn_top1", 0):.1f} / '
                f'{r.get("linear_top1", 0):.1f}'
                for r in sorted(random, key=lambda r: r['seed'])
            )
            or 'not run'
        )
        + ' (kNN / linear).',
        '',
        '',
    ]
    out = osp.join(args.work_dir, 'ablations.md')
    write_text(out, '\n'.join(head) + '\n'.join(sections))
    return [out] + written


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.dry_run:
        for key in args.tables:
            cmd = study_command(args, ABLATIONS[key])
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
            cmd = study_command(args, ABLATIONS[key])
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
    for path in write_report(args):
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
