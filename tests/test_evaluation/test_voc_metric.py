"""The in-process VOC metric gives mmdet's VOCMetric's numbers."""

import numpy as np
import pytest
import torch

from ftcl_mm.evaluation.voc_metric import InProcessVOCMetric


def _results(n_images=12, classes=3, seed=0):
    """(data_batch, data_samples) as the validation loop gives them."""
    rng = np.random.default_rng(seed)
    samples = []
    for i in range(n_images):
        gt = rng.uniform(0, 60, (3, 2))
        gt = np.hstack([gt, gt + rng.uniform(10, 40, (3, 2))])
        pred = gt[rng.integers(0, 3, 8)] + rng.normal(0, 4, (8, 4))
        samples.append(
            dict(
                gt_instances=dict(
                    bboxes=torch.as_tensor(gt, dtype=torch.float32),
                    labels=torch.as_tensor(rng.integers(0, classes, 3)),
                ),
                ignored_instances=dict(
                    bboxes=torch.zeros(0, 4), labels=torch.zeros(0).long()
                ),
                pred_instances=dict(
                    bboxes=torch.as_tensor(pred, dtype=torch.float32),
                    scores=torch.as_tensor(rng.uniform(0, 1, 8)),
                    labels=torch.as_tensor(rng.integers(0, classes, 8)),
                ),
            )
        )
    return samples


def _evaluate(metric, samples):
    metric.dataset_meta = dict(classes=('a', 'b', 'c'), dataset_type='VOC')
    metric.process({}, samples)
    return metric.evaluate(len(samples))


def test_same_numbers_as_mmdet_voc_metric():
    from mmdet.evaluation.metrics import VOCMetric

    thrs = [0.5, 0.75]
    samples = _results()
    ours = _evaluate(InProcessVOCMetric(iou_thrs=thrs), samples)
    theirs = _evaluate(VOCMetric(iou_thrs=thrs), samples)
    assert ours == theirs
    assert 0 < ours['pascal_voc/AP50'] <= 1


def test_eval_map_is_restored_after_compute():
    from mmdet.evaluation.functional import eval_map
    from mmdet.evaluation.metrics import voc_metric

    _evaluate(InProcessVOCMetric(iou_thrs=[0.5], nproc=2), _results(4))
    assert voc_metric.eval_map is eval_map


@pytest.mark.parametrize('nproc', [0, -1, 1.5])
def test_bad_nproc(nproc):
    with pytest.raises(ValueError, match='nproc must be an integer >= 1'):
        InProcessVOCMetric(nproc=nproc)
