#!/usr/bin/env python
"""Run a transfer benchmark for one backbone over several seeds and report
mean +- std of every final metric (the paper averages 5 detection runs).

Example:
    C=configs/benchmarks/mmdetection/voc0712
    python tools/benchmarks/run_seeds.py \\
        $C/faster-rcnn_r50-c4_ms-24k_voc0712.py \\
        --pretrained r50.pth --seeds 0 1 2 3 4 --gpus 8 \\
        --work-dir work_dirs/voc_mocov2_ft
Writes WORK_DIR/results.md and results.json; finished seeds are reused
(interrupted ones resume from their last checkpoint); ``--jobs 2`` runs
seeds side by side with the cores split between them.
"""

import argparse
import os
import os.path as osp
import sys

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.formats.run_results import (
    MAIN_METRICS,
    final_metrics,
)
from ftcl_mm.sweep import (
    Sweep,
    SweepJob,
    ToolCalls,
    metric_stats,
    usable_parallelism,
)
from ftcl_mm.utils.cli import add_seeds, positive_int, run_main
from ftcl_mm.utils.errors import UserInputError
from ftcl_mm.utils.fileio import (
    write_json,
    write_text,
)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description='Train+evaluate a transfer config once per seed from '
        'the same pretrained backbone; write mean +- std tables.'
    )
    p.add_argument(
        'config',
        help='a transfer config (detection or classification benchmark)',
    )
    p.add_argument(
        '--pretrained',
        required=True,
        help='backbone file from tools/convert_ckpt.py, or "none"',
    )
    add_seeds(p, [0, 1, 2, 3, 4], 'seeds (distinct, >= 0)')
    p.add_argument(
        '--gpus',
        type=positive_int,
        default=1,
        help='processes per run (>1 uses tools/dist_train.sh)',
    )
    p.add_argument(
        '--jobs',
        type=positive_int,
        default=1,
        help='seeds side by side (CPU: each gets cores // jobs threads)',
    )
    p.add_argument('--work-dir', required=True)
    p.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        help='extra overrides for every run',
    )
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if not osp.isfile(args.config):
        raise UserInputError(f'config file {args.config} does not exist')
    jobs, threads = usable_parallelism(args.jobs, None, args.gpus)
    calls = ToolCalls(
        ROOT, dict(os.environ, FTCL_THREADS=str(threads)), args.gpus
    )

    def run(seed: int, work_dir: str) -> dict:
        calls.call(
            calls.train(
                args.config,
                work_dir,
                '--resume',
                '--pretrained',
                args.pretrained,
                '--cfg-options',
                f'randomness.seed={seed}',
                *args.cfg_options,
            ),
            osp.join(work_dir, 'run_seeds.log'),
        )
        return final_metrics(work_dir)

    seed_jobs = [
        SweepJob(
            f'seed {seed}',
            osp.join(args.work_dir, f'seed{seed}'),
            (
                lambda s=seed, d=osp.join(args.work_dir, f'seed{seed}'): run(
                    s, d
                )
            ),
        )
        for seed in args.seeds
    ]
    try:
        failed = Sweep('run_seeds', jobs).run(seed_jobs, threads)
    except KeyboardInterrupt:
        return 130
    if failed:
        print('run_seeds.py: error: ' + '; '.join(failed), file=sys.stderr)
        return 1
    per_seed = {s: j.result for s, j in zip(args.seeds, seed_jobs)}
    stats = metric_stats(per_seed)
    lines = [
        f'# {osp.basename(args.config)}',
        '',
        f'backbone: `{args.pretrained}`; seeds: {args.seeds}',
        '',
        '| metric | mean ± std | n |',
        '|---|---|---|',
    ]
    shown = {k: v for k, v in stats.items() if k in MAIN_METRICS} or stats
    lines += [
        f'| {k} | {v["mean"]:.4f} ± {v["std"]:.4f} | {v["n"]} |'
        for k, v in shown.items()
    ]
    out = osp.join(args.work_dir, 'results')
    write_text(f'{out}.md', '\n'.join(lines) + '\n')
    write_json(
        f'{out}.json',
        dict(
            config=args.config,
            pretrained=args.pretrained,
            seeds=args.seeds,
            per_seed=per_seed,
            summary=stats,
        ),
    )
    print('\n'.join(lines))
    return 0


if __name__ == '__main__':
    sys.exit(run_main('run_seeds.py', main))
