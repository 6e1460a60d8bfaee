"""What a finished run left in its work dir: its final metrics (its last
checkpoint: mmengine's ``find_latest_checkpoint``).

Reads mmengine's ``<work_dir>/<timestamp>/vis_data/scalars.json`` (one JSON
object per logged step), ``knn.json`` written by
``tools/benchmarks/knn_eval.py --out`` and ``suite.json`` written by
``tools/benchmarks/downstream_suite.py --out``.
"""

from __future__ import annotations

import glob
import json
import os.path as osp
from typing import List

#: Metrics shown in the markdown table when present (JSON has them all).
MAIN_METRICS = (
    'pascal_voc/mAP',
    'pascal_voc/AP50',
    'coco/bbox_mAP',
    'coco/bbox_mAP_50',
    'coco/segm_mAP',
    'coco/segm_mAP_50',
    'accuracy/top1',
    'accuracy/top5',
    'knn/top1_k20',
    'linear_cached/top1',
    'suite/colour_linear',
    'suite/rotation_linear',
    'suite/finegrained_linear',
    'suite/fewshot_1shot',
    'suite/fewshot_5shot',
    'suite/corruptions_mca',
)
#: The suite's coarse task is the kNN / cached linear evaluation
#: (knn_eval.py --linear: the same held-out images, k and probe), so it
#: is reported under the same names.
SUITE_AS = {
    'coarse_knn': 'knn/top1_k20',
    'coarse_linear': 'linear_cached/top1',
}


def logged_rows(work_dir: str) -> List[dict]:
    """Every row mmengine logged to ``<work_dir>/<timestamp>/vis_data/
    scalars.json``, in order (runs of a resumed work dir one after the
    other)."""
    rows = []
    for f in sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    ):
        with open(f) as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    return rows


def final_metrics(work_dir: str) -> dict:
    """Last value of every evaluation metric (keys with a '/'), the kNN
    top-1 of ``work_dir/knn.json`` (tools/benchmarks/knn_eval.py
    ``--out``) as ``knn/top1_k{k}`` (with ``--linear``: the cached-feature
    linear probe as ``linear_cached/top1``), and the downstream suite's
    row of ``work_dir/suite.json`` as ``suite/<column>`` (its coarse task
    under the kNN / linear names, :data:`SUITE_AS`)."""
    metrics = {}
    suite = osp.join(work_dir, 'suite.json')
    if osp.isfile(suite):
        with open(suite) as fh:
            row = json.load(fh)
        metrics.update(
            {
                SUITE_AS.get(k, f'suite/{k}'): v
                for k, v in row.items()
                if isinstance(v, (int, float)) and not isinstance(v, bool)
            }
        )
    knn = osp.join(work_dir, 'knn.json')
    if osp.isfile(knn):
        with open(knn) as fh:
            result = json.load(fh)
        metrics.update(
            {f'knn/top1_k{k}': v for k, v in result['top1'].items()}
        )
        if 'linear_top1' in result:  # knn_eval.py --linear
            metrics['linear_cached/top1'] = result['linear_top1']
    for row in logged_rows(work_dir):
        metrics.update(
            {
                k: v
                for k, v in row.items()
                if '/' in k and not k.startswith('scores/')
            }
        )
    return metrics
