#!/usr/bin/env python
"""Collect the final validation metrics of several runs into one table.

Example:
    python tools/benchmarks/summarize.py --out work_dirs/demo/summary \\
        voc_pretrained=work_dirs/demo/voc_pretrained \\
        voc_random=work_dirs/demo/voc_random
Writes SUMMARY.md and SUMMARY.json (atomically).
"""

import argparse
import os.path as osp
import sys
from typing import Dict, List

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.formats.run_results import (
    MAIN_METRICS,
    final_metrics,
)
from ftcl_mm.sweep.book.demo import stage_line

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
from ftcl_mm.utils.cli import positive_int, run_main
from ftcl_mm.utils.errors import UserInputError
from ftcl_mm.utils.fileio import write_json, write_text


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Final validation metrics (from mmengine's "
        'scalars.json) and artifacts of NAME=WORK_DIR runs, as markdown (main '
        'metrics) and JSON (all metrics).'
    )
    p.add_argument('runs', nargs='+', metavar='NAME=WORK_DIR')
    p.add_argument(
        '--out',
        required=True,
        help='output path without extension (.md and .json)',
    )
    p.add_argument('--title', default='ftcl_mm results')
    p.add_argument(
        '--note',
        action='append',
        default=[],
        help='extra line under the title (repeatable)',
    )
    p.add_argument(
        '--wall-s',
        type=float,
        default=None,
        help='wall time of the whole pipeline, recorded in the JSON',
    )
    p.add_argument(
        '--noise',
        default=None,
        metavar='RESULTS_JSON',
        help='read the <detector>_pretrained / <detector>_random runs '
        'against the detector-seed std stored by '
        'tools/studies/tiny_det_table.py at their setting (--epochs, '
        '--det-iters, --noise-row)',
    )
    p.add_argument(
        '--noise-row',
        default='simclr',
        help="the noise table's row of the pretrained backbone",
    )
    p.add_argument(
        '--epochs',
        type=positive_int,
        default=None,
        help='the pretraining epochs of these runs (as tools/demo.sh; '
        'recorded, and the setting --noise must match)',
    )
    p.add_argument(
        '--det-iters',
        nargs='+',
        default=None,
        metavar='N | DET=N',
        help='the detector iterations of these runs, one number or per '
        'detector (voc=160 coco=128), as tools/demo.sh (recorded, and the '
        'setting --noise must match)',
    )
    p.add_argument(
        '--stage',
        action='append',
        default=[],
        metavar='NAME=SECONDS',
        help='wall time of one step of the pipeline (repeatable, in order; '
        'recorded in the JSON as "stages")',
    )
    return p.parse_args(argv)


def parse_stages(items: List[str]) -> List[Dict]:
    """``NAME=SECONDS`` items as ``[{name, seconds}]``, in order."""
    stages = []
    for item in items:
        name, _, secs = item.partition('=')
        try:
            seconds = float(secs)
        except ValueError:
            seconds = -1.0
        if not name or seconds < 0:
            raise UserInputError(
                f'--stage {item!r} is not NAME=SECONDS (e.g. pretrain=120)'
            )
        stages.append(dict(name=name, seconds=seconds))
    return stages


def noise_lines(args, results) -> list:
    """The section reading the detection pairs against stored noise."""
    from ftcl_mm.sweep.det_table import (
        demo_pretrain_options,
        det_iters_options,
        noise_section,
    )
    from ftcl_mm.utils.fileio import read_json

    if not osp.isfile(args.noise):
        raise UserInputError(
            f'--noise {args.noise} does not exist; measure it with '
            'python tools/studies/tiny_det_table.py --epochs E --det-iters N'
        )
    return noise_section(
        read_json(args.noise),
        {r['name']: r['metrics'] for r in results},
        args.noise_row,
        demo_pretrain_options(args.epochs) if args.epochs else [],
        det_iters_options(args.det_iters) if args.det_iters else [],
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    stages = parse_stages(args.stage)
    if args.det_iters:
        from ftcl_mm.sweep.det_table import parse_det_iters

        args.det_iters = parse_det_iters(args.det_iters)
    from mmengine.runner import find_latest_checkpoint

    results = []
    for item in args.runs:
        if '=' not in item:
            raise UserInputError(f'{item!r} is not NAME=WORK_DIR')
        name, work_dir = item.split('=', 1)
        if not osp.isdir(work_dir):
            raise UserInputError(f'{work_dir} does not exist')
        results.append(
            dict(
                name=name,
                work_dir=work_dir,
                checkpoint=find_latest_checkpoint(work_dir),
                metrics=final_metrics(work_dir),
            )
        )
    lines = [f'# {args.title}', ''] + [f'{n}  ' for n in args.note]
    lines += ['', '| run | metric | value | work dir |', '|---|---|---|---|']
    for r in results:
        if not r['metrics']:
            lines.append(
                f'| {r["name"]} | (no evaluation) | | `{r["work_dir"]}` |'
            )
        shown = {
            k: v for k, v in r['metrics'].items() if k in MAIN_METRICS
        } or r['metrics']
        for k, v in sorted(shown.items()):
            lines.append(
                f'| {r["name"]} | {k} | {v:.4f} | `{r["work_dir"]}` |'
            )
    if args.noise:
        lines += [''] + noise_lines(args, results)
    if stages:
        lines += ['', 'wall time per step: ' + stage_line(stages)]
    # Evaluations of a frozen backbone (kNN, the suite) leave none.
    saved = [r for r in results if r['checkpoint']]
    if saved:
        lines += ['', '| run | final checkpoint |', '|---|---|']
        lines += [f'| {r["name"]} | `{r["checkpoint"]}` |' for r in saved]
    write_text(f'{args.out}.md', '\n'.join(lines) + '\n')
    from ftcl_mm.utils.provenance import provenance

    write_json(
        f'{args.out}.json',
        dict(
            title=args.title,
            notes=args.note,
            runs=results,
            epochs=args.epochs,
            det_iters=args.det_iters,
            wall_s=args.wall_s,
            stages=stages,
            noise=args.noise,
            noise_row=args.noise_row if args.noise else None,
            provenance=provenance(ROOT),
        ),
    )
    print('\n'.join(lines))
    return 0


if __name__ == '__main__':
    sys.exit(run_main('summarize.py', main))
