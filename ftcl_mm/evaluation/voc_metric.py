"""mmdet's VOC metric with its TP/FP matching in this process.

mmdet's ``VOCMetric`` calls ``eval_map`` once per IoU threshold, and
``eval_map`` forks a ``multiprocessing.Pool`` of 4 workers each time (its
``nproc`` default, which the metric does not expose). On a 2-core machine
that costs more than the matching itself: the tiny detection benchmark
evaluates 10 thresholds (AP50 ... AP95), i.e. 40 forks of the training
process per validation. This subclass passes ``nproc`` through (default 1);
the numbers are the same, only where they are computed changes.

Imported by the detection configs through ``custom_imports`` (so that
``import ftcl_mm`` does not import mmdet).
"""

from __future__ import annotations

import functools
from typing import List

from mmdet.evaluation.metrics import VOCMetric
from mmdet.evaluation.metrics import voc_metric as _voc_metric
from mmdet.registry import METRICS


@METRICS.register_module()
class InProcessVOCMetric(VOCMetric):
    """``VOCMetric`` whose ``eval_map`` uses ``nproc`` processes.

    Args:
        nproc: processes for eval_map's TP/FP matching (1: this one).
        *args, **kwargs: as ``mmdet.evaluation.VOCMetric``.
    """

    def __init__(self, *args, nproc: int = 1, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not isinstance(nproc, int) or nproc < 1:
            raise ValueError(f'nproc must be an integer >= 1, got {nproc!r}')
        self.nproc = nproc

    def compute_metrics(self, results: List[tuple]) -> dict:
        # mmdet's compute_metrics calls the module-level eval_map with no
        # nproc: bind it for this call only (restored even on errors).
        original = _voc_metric.eval_map
        _voc_metric.eval_map = functools.partial(original, nproc=self.nproc)
        try:
            return super().compute_metrics(results)
        finally:
            _voc_metric.eval_map = original
