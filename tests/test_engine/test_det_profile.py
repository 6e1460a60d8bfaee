"""The detector profile: its timers leave the model as it was, its run
parser reads mmengine's rows, and a profile of the demo detector names
every part of a C4 step."""

import pytest
import torch
from torch import nn

from ftcl_mm.engine import det_profile


class _Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.shared_head = nn.Linear(4, 4)

    def loss(self, x):
        return self.shared_head(x).sum()


class _Detector(nn.Module):
    def __init__(self):
        super().__init__()
        self.roi_head = _Head()

    def extract_feat(self, x):
        return x * 2


def test_timed_parts_records_calls_and_restores_the_model():
    model = _Detector()
    x = torch.ones(2, 4)
    expected = model.roi_head.loss(model.extract_feat(x))
    with det_profile.timed_parts(model) as calls:
        got = model.roi_head.loss(model.extract_feat(x))
        model.extract_feat(x)
    assert torch.equal(got, expected)
    assert len(calls['backbone']) == 2
    assert len(calls['roi head (train, all)']) == 1
    assert len(calls['  shared res5 per RoI']) == 1  # module(x) -> forward
    # Parts this model lacks (RPN, mask head) are skipped, not errors.
    assert 'rpn (test: proposals)' not in calls
    # Nothing of the wrappers is left on the instances.
    assert 'extract_feat' not in vars(model)
    assert 'forward' not in vars(model.roi_head.shared_head)
    assert 'loss' not in vars(model.roi_head)


def test_timed_parts_restores_after_an_error():
    model = _Detector()
    with pytest.raises(RuntimeError):
        with det_profile.timed_parts(model):
            raise RuntimeError('boom')
    assert 'extract_feat' not in vars(model)


def test_logged_times_drops_the_warm_up_interval():
    rows = [
        dict(loss=1.0, time=9.0, data_time=1.0, iter=10),
        dict(loss=1.0, time=0.5, data_time=0.1, iter=20),
        dict(loss=1.0, time=0.7, data_time=0.3, iter=30),
        {'pascal_voc/mAP': 0.1, 'time': 0.25, 'data_time': 0.0, 'step': 0},
    ]
    t = det_profile.logged_times(rows)
    assert t['train_iteration_ms'] == pytest.approx(600)
    assert t['train_data_ms'] == pytest.approx(200)
    assert t['val_iteration_ms'] == pytest.approx(250)
    assert t['train_intervals'] == 2
    with pytest.raises(ValueError, match='no training or validation'):
        det_profile.logged_times(rows[:3])


def test_profile_of_the_demo_detector(demo_data, monkeypatch):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    import ftcl_mm  # noqa: F401
    from ftcl_mm.engine.train_setup import set_pretrained

    monkeypatch.setenv('FTCL_DEMO_DATA', demo_data)
    cfg = Config.fromfile(
        'configs/benchmarks/mmdetection/demo/faster-rcnn_r18-c4_demo_voc.py'
    )
    set_pretrained(cfg, 'none')
    init_default_scope('mmdet')
    r = det_profile.profile(cfg, samples=2, steps=1, val_batches=1)
    for part in ('backbone', '  shared res5 per RoI', '  roi extractor'):
        assert r['train_parts_ms'][part] > 0
        assert r['test_parts_ms'][part] > 0
    assert r['train_parts_ms']['rpn (train: loss + proposals)'] > 0
    assert r['test_parts_ms']['rpn (test: proposals)'] > 0
    assert 0 < r['proposals_per_image'] <= cfg.model.test_cfg.rpn.max_per_img
    assert r['metric_ms_per_image'] > 0
    assert r['pipeline_train_ms']['total'] > 0
    table = det_profile.format_report(r)
    assert '| **train floor: train_step** |' in table
