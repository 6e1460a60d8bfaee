#!/usr/bin/env python
"""The paper's Table 9 at CPU scale: what pretraining buys for detection.

One row per backbone of the tiny regime (ResNet-18 at width 16) —
random init, supervised (labels, ``resnet18w16_supervised_tiny.py``),
SimCLR, MoCo v2, MoCo v2 + FT (paper settings) — each pretrained once
(seed 0, the regime's 20 epochs) and converted; then, per backbone,
kNN and cached linear top-1 on the held-out images and the two tiny
detection benchmarks over detector seeds (``run_seeds.py`` semantics):
Faster R-CNN C4 on the generated VOC (AP50, AP) and Mask R-CNN C4 on the
generated COCO (AP^bb, AP^mk). Writes ``WORK_DIR/results.md``,
``results.json`` and ``plots/det_table.png``; every step resumes (run
the same command again to continue). The logic: ``ftcl_mm.sweep.det_table``.

Example:
    python tools/studies/tiny_det_table.py --work-dir work_dirs/det_table
    python tools/studies/tiny_det_table.py --rows random mocov2 --seeds 0 \\
        --work-dir work_dirs/tiny_det_quick
    # the detector-seed noise at the demo's setting (tools/demo.sh)
    python tools/studies/tiny_det_table.py --rows random simclr \\
        --seeds 0 1 2 3 4 --epochs 8 --det-iters 160 \\
        --work-dir work_dirs/demo_det_noise
"""

import argparse
import os.path as osp
import sys

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.sweep.det_table import (
    DETECTORS,
    ROWS,
    Plan,
    demo_pretrain_options,
    det_iters_options,
    parse_det_iters,
    run,
)
from ftcl_mm.utils.cli import add_seeds, positive_int, run_main

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


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
        '--epochs',
        type=positive_int,
        default=None,
        help="pretrain for this many epochs as tools/demo.sh's "
        "DEMO_EPOCHS does (no online kNN); default: the configs' own",
    )
    p.add_argument(
        '--det-iters',
        nargs='+',
        default=None,
        metavar='N | DET=N',
        help='train each detector this many iterations (one number, or '
        "per detector: voc=160 coco=128) as tools/demo.sh's DEMO_DET_ITERS "
        "does; default: the detector configs' own",
    )
    p.add_argument(
        '--jobs',
        type=positive_int,
        default=1,
        help='jobs side by side (each gets cores // jobs threads)',
    )
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    plan = Plan(
        args.work_dir,
        args.rows,
        args.seeds,
        args.detectors,
        demo_pretrain_options(args.epochs) if args.epochs else (),
        det_iters_options(parse_det_iters(args.det_iters))
        if args.det_iters
        else (),
    )
    try:
        failed = run(plan, ROOT, args.data_root, args.jobs)
    except KeyboardInterrupt:
        return 130
    if failed:
        print(
            'tiny_det_table.py: error: ' + '; '.join(failed), file=sys.stderr
        )
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(run_main('tiny_det_table.py', main))
