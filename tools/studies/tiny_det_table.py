#!/usr/bin/env python
"""The paper's Table 9 at CPU scale: what pretraining buys for detection.

One row per backbone of the tiny regime (ResNet-18 at width 16) —
random init, supervised (labels, ``resnet18w16_supervised_tiny.py``),
SimCLR, MoCo v2, MoCo v2 + FT (paper settings) — each pretrained once
(seed 0, the regime's 20 epochs) and converted; then, per backbone,
kNN and cached linear top-1 on the 1000 held-out images and the two tiny
detection benchmarks over detector seeds (``run_seeds.py`` semantics):
Faster R-CNN C4 on the generated VOC (AP50, AP) and Mask R-CNN C4 on the
generated COCO (AP^bb, AP^mk). Writes ``WORK_DIR/results.md``,
``results.json`` and ``plots/det_table.png``; every step resumes (run
the same command again to continue).

Example:
    python tools/studies/tiny_det_table.py --work-dir work_dirs/det_table
    python tools/studies/tiny_det_table.py --rows random mocov2 --seeds 0 \\
        --work-dir work_dirs/tiny_det_quick
"""

from __future__ import annotations

import argparse
import os
import os.path as osp
import sys
import time
from typing import Dict, List, Optional

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.sweep import (
    BackbonePipeline,
    Sweep,
    SweepJob,
    ToolCalls,
    fmt_stat,
    mean_std,
    paired_gain,
    usable_parallelism,
    verdict,
)
from ftcl_mm.sweep.book.studies import DETECTORS
from ftcl_mm.utils.cli import add_seeds, positive_int, run_main
from ftcl_mm.utils.errors import UserInputError
from ftcl_mm.utils.fileio import (
    write_json,
    write_text,
)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

#: Row name -> pretraining config (None: random init).
ROWS = {
    'random': None,
    'supervised': 'configs/benchmarks/classification/tiny/'
    'resnet18w16_supervised_tiny.py',
    'simclr': 'configs/selfsup/tiny/simclr_tiny.py',
    'mocov2': 'configs/selfsup/tiny/mocov2_tiny.py',
    'mocov2_ft': 'configs/selfsup/tiny/mocov2_ft_tiny.py',
}
PROBE = 'configs/benchmarks/classification/tiny/resnet18w16_linear_tiny.py'


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="The paper's Table 9 at CPU scale: pretrain each "
        'backbone once, evaluate kNN / linear, train the tiny VOC and '
        'COCO detectors over seeds; mean +- std and gains over random init '
        'paired by detector seed.'
    )
    p.add_argument('--work-dir', required=True)
    p.add_argument(
        '--rows',
        nargs='+',
        choices=list(ROWS),
        default=list(ROWS),
        help='backbones (default: all five)',
    )
    add_seeds(p, [0, 1, 2], 'detector seeds (default: 0 1 2)')
    p.add_argument(
        '--detectors',
        nargs='+',
        choices=list(DETECTORS),
        default=list(DETECTORS),
    )
    p.add_argument(
        '--data-root',
        default=None,
        help='generated data (tools/make_demo_data.py; sets '
        'FTCL_DEMO_DATA, default data/demo)',
    )
    p.add_argument(
        '--jobs',
        type=positive_int,
        default=1,
        help='jobs side by side (each gets cores // jobs threads)',
    )
    return p.parse_args(argv)


class TableSteps:
    """Pretrain + convert + probe one backbone; one detector seed."""

    def __init__(self, args, calls: ToolCalls) -> None:
        self.args = args
        self.calls = calls

    def backbone(self, row: str) -> Dict:
        work = osp.join(self.args.work_dir, 'backbones', row)
        log = osp.join(work, 'steps.log')
        config = ROWS[row]
        pipeline = BackbonePipeline(self.calls)
        path = (
            'none'
            if config is None
            else pipeline.pretrain(config, work, ['randomness.seed=0'], log)
        )
        result = pipeline.probe(PROBE, path, osp.join(work, 'knn.json'), log)
        return dict(
            row=row,
            backbone=path,
            knn_top1=float(result['top1']['20']),
            linear_top1=float(result['linear_top1']),
        )

    def detector(self, row: str, det: str, seed: int, backbone: str) -> Dict:
        from ftcl_mm.utils.run_results import final_metrics

        work = osp.join(self.args.work_dir, det, row, f'seed{seed}')
        config, columns = DETECTORS[det]
        t0 = time.time()
        self.calls.call(
            self.calls.train(
                config,
                work,
                '--resume',
                '--pretrained',
                backbone,
                '--cfg-options',
                f'randomness.seed={seed}',
            ),
            osp.join(work, 'steps.log'),
        )
        metrics = final_metrics(work)
        missing = [m for m in columns.values() if m not in metrics]
        if missing:
            from ftcl_mm.sweep import RunFailed

            raise RunFailed(f'{work} logged no {", ".join(missing)}')
        out = dict(row=row, detector=det, seed=seed)
        out.update({c: float(metrics[m]) for c, m in columns.items()})
        # Train + evaluate, this call only (a resumed run counts its rest).
        out['wall_s'] = round(time.time() - t0, 1)
        return out


def table(args, backbones: Dict[str, Dict], dets: List[Dict]) -> str:
    columns = [c for d in args.detectors for c in DETECTORS[d][1]]
    lines = [
        '# Tiny detection table (paper Table 9 at CPU scale)',
        '',
        f'detector seeds {args.seeds}; backbones pretrained once (seed 0, '
        '20 epochs); mean ± std over detector seeds, and the gain over '
        'random init paired by detector seed (verdict: gain > 1 std, '
        'loss > 1 std, within 1 std). AP columns x 100.',
        '',
        '| backbone | ' + ' | '.join(columns) + ' | kNN | linear |',
        '|---|' + '---|' * (len(columns) + 2),
    ]
    by_row: Dict[str, Dict[str, Dict[int, float]]] = {}
    for d in dets:
        for c in columns:
            if c in d:
                by_row.setdefault(d['row'], {}).setdefault(c, {})[
                    d['seed']
                ] = 100 * d[c]
    for row in args.rows:
        cells = []
        for c in columns:
            vals = by_row.get(row, {}).get(c, {})
            cell = fmt_stat(mean_std(vals.values())) if vals else '-'
            base = by_row.get('random', {}).get(c, {})
            gain = paired_gain(vals, base) if row != 'random' else None
            if gain:
                cell += f' ({fmt_stat(gain, True)}, {verdict(gain)})'
            cells.append(cell)
        b = backbones.get(row, {})
        knn = f'{b["knn_top1"]:.1f}' if 'knn_top1' in b else '-'
        lin = f'{b["linear_top1"]:.1f}' if 'linear_top1' in b else '-'
        lines.append(f'| {row} | ' + ' | '.join(cells) + f' | {knn} | {lin} |')
    walls = []
    for det in args.detectors:
        w = [d.get('wall_s') for d in dets if d['detector'] == det]
        if w and all(x is not None for x in w):
            walls.append(f'{det} {fmt_stat(mean_std(w))} s')
    if walls:
        lines += [
            '',
            'Wall time per detector run (train + evaluation, one job at a '
            'time unless --jobs): ' + ', '.join(walls) + '.',
        ]
    return '\n'.join(lines) + '\n'


def plot(args, dets: List[Dict], out: str) -> Optional[str]:
    from ftcl_mm.visualization import plot_accuracy_bars

    summary = {}
    columns = [c for d in args.detectors for c in DETECTORS[d][1]]
    for row in args.rows:
        entry = {}
        for c in columns:
            vals = [100 * d[c] for d in dets if d['row'] == row and c in d]
            if vals:
                entry[c] = mean_std(vals)
        summary[f'{row}/backbone'] = entry
    summary['random/init'] = summary.pop('random/backbone', {})
    return plot_accuracy_bars(
        summary, out, metrics=columns, highlight=None, ylabel='{} (x 100)'
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    if args.data_root:
        if not osp.isdir(osp.join(args.data_root, 'tiny_det')):
            raise UserInputError(
                f'--data-root {args.data_root} has no tiny_det/; generate it '
                'with python tools/make_demo_data.py --out DIR'
            )
        env['FTCL_DEMO_DATA'] = args.data_root
    jobs, threads = usable_parallelism(args.jobs, None)
    env['FTCL_THREADS'] = str(threads)
    steps = TableSteps(args, ToolCalls(ROOT, env))
    sweep = Sweep('tiny_det_table', jobs)
    bb_jobs = [
        SweepJob(
            f'backbone {row}',
            osp.join(args.work_dir, 'backbones', row),
            (lambda row=row: steps.backbone(row)),
            timed=ROWS[row] is not None,
        )
        for row in args.rows
    ]
    try:
        failed = sweep.run(bb_jobs, threads)
        backbones = {j.result['row']: j.result for j in bb_jobs if j.result}
        det_jobs = [
            SweepJob(
                f'{det} {row} seed {seed}',
                osp.join(args.work_dir, det, row, f'seed{seed}'),
                (
                    lambda row=row, det=det, seed=seed: steps.detector(
                        row, det, seed, backbones[row]['backbone']
                    )
                ),
            )
            for seed in args.seeds
            for row in args.rows
            if row in backbones
            for det in args.detectors
        ]
        failed += sweep.run(det_jobs, threads)
    except KeyboardInterrupt:
        return 130
    dets = [j.result for j in det_jobs if j.result]
    out = osp.join(args.work_dir, 'results')
    write_text(f'{out}.md', table(args, backbones, dets))
    write_json(
        f'{out}.json',
        dict(seeds=args.seeds, backbones=backbones, detectors=dets),
    )
    os.makedirs(osp.join(args.work_dir, 'plots'), exist_ok=True)
    png = plot(args, dets, osp.join(args.work_dir, 'plots', 'det_table'))
    print(f'{out}.md')
    if png:
        print(png)
    if failed:
        print(
            'tiny_det_table.py: error: ' + '; '.join(failed), file=sys.stderr
        )
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(run_main('tiny_det_table.py', main))
