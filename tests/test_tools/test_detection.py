"""Detection transfer: 2 iterations of train + eval on the generated data."""

import json
import os.path as osp

import pytest

from ..conftest import python_cli

DEMO = 'configs/benchmarks/mmdetection/demo'


def _val_metrics(work_dir):
    import glob

    rows = []
    for f in sorted(glob.glob(f'{work_dir}/*/vis_data/scalars.json')):
        with open(f) as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    return {k: v for r in rows for k, v in r.items() if '/' in k}


@pytest.mark.parametrize(
    'config, schedule, metrics',
    [
        (
            'faster-rcnn_r18-c4_demo_voc.py',
            ['train_cfg.max_iters=2', 'train_cfg.val_interval=2'],
            ['pascal_voc/mAP'],
        ),
        (
            'mask-rcnn_r18-c4_demo_coco.py',
            ['train_cfg.max_epochs=1', 'train_cfg.val_interval=1'],
            ['coco/bbox_mAP', 'coco/segm_mAP'],
        ),
    ],
)
def test_train_and_eval(
    config, schedule, metrics, demo_data, r18_backbone, tmp_path
):
    work = str(tmp_path / 'w')
    r = python_cli(
        'tools/train.py',
        osp.join(DEMO, config),
        '--work-dir',
        work,
        '--pretrained',
        r18_backbone,
        '--cfg-options',
        *schedule,
        env=dict(FTCL_DEMO_DATA=demo_data),
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    # The converted backbone and res5 head were loaded, not skipped.
    assert (
        out.count(
            f'Loads checkpoint by local backend from path: {r18_backbone}'
        )
        == 2
    )
    got = _val_metrics(work)
    for m in metrics:
        assert m in got and 0.0 <= got[m] <= 1.0, (m, got)


def test_missing_pretrained_is_one_clear_line(demo_data, tmp_path):
    r = python_cli(
        'tools/train.py',
        osp.join(DEMO, 'faster-rcnn_r18-c4_demo_voc.py'),
        '--work-dir',
        str(tmp_path / 'w'),
        '--pretrained',
        str(tmp_path / 'nope.pth'),
        env=dict(FTCL_DEMO_DATA=demo_data),
    )
    assert r.returncode == 2
    assert [ln for ln in r.stderr.splitlines() if 'error' in ln] == [
        f"train.py: error: pretrained checkpoint '{tmp_path / 'nope.pth'}' "
        '(model.backbone.init_cfg) does not exist; convert a pretraining '
        'checkpoint with tools/convert_ckpt.py and pass --pretrained PATH '
        '(or --pretrained none for random initialisation)'
    ]


@pytest.fixture(scope='module')
def tiny_backbone(demo_data, tmp_path_factory) -> str:
    """A converted width-16 backbone from 2 steps of the tiny regime's
    MoCo v2 + FT config."""
    work = str(tmp_path_factory.mktemp('tiny_pretrain'))
    r = python_cli(
        'tools/train.py',
        'configs/selfsup/tiny/mocov2_ft_tiny.py',
        '--work-dir',
        work,
        '--cfg-options',
        'train_dataloader.batch_size=16',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'train_cfg.max_epochs=1',
        env=dict(FTCL_DEMO_DATA=demo_data),
    )
    assert r.returncode == 0, r.stderr[-3000:]
    dst = osp.join(work, 'r18w16.pth')
    r = python_cli('tools/convert_ckpt.py', osp.join(work, 'epoch_1.pth'), dst)
    assert r.returncode == 0, r.stderr
    return dst


def test_tiny_width_c4_detector_loads_narrow_backbone(
    demo_data, tiny_backbone, tmp_path
):
    """configs/benchmarks/mmdetection/tiny: the width-16 backbone loads
    into both the C4 backbone and the WidthResLayer head, no size
    mismatch, and the detector trains and evaluates."""
    work = str(tmp_path / 'w')
    r = python_cli(
        'tools/train.py',
        'configs/benchmarks/mmdetection/tiny/'
        'faster-rcnn_r18w16-c4_tiny_voc.py',
        '--work-dir',
        work,
        '--pretrained',
        tiny_backbone,
        '--cfg-options',
        'train_cfg.max_iters=2',
        'train_cfg.val_interval=2',
        env=dict(FTCL_DEMO_DATA=demo_data),
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    assert (
        out.count(
            f'Loads checkpoint by local backend from path: {tiny_backbone}'
        )
        == 2
    )
    assert 'size mismatch' not in out and 'missing keys' not in out
    assert 'pascal_voc/mAP' in _val_metrics(work)


TINYDET = 'configs/benchmarks/mmdetection/tiny/'


@pytest.mark.parametrize(
    'config, metrics',
    [
        (
            'faster-rcnn_r18w16-c4_tinydet_voc.py',
            ['pascal_voc/AP50', 'pascal_voc/mAP'],
        ),
        (
            'mask-rcnn_r18w16-c4_tinydet_coco.py',
            ['coco/bbox_mAP', 'coco/segm_mAP'],
        ),
    ],
)
def test_tiny_detection_benchmark_smoke(config, metrics, demo_data, tmp_path):
    """The tiny detection benchmark's detectors (10 classes, tiny_det/)
    train 2 steps and report their table's metrics. (From random init:
    after 2 steps a pretrained backbone may not propose a box yet; its
    weights' arrival is tested below.)"""
    work = str(tmp_path / 'w')
    r = python_cli(
        'tools/train.py',
        TINYDET + config,
        '--work-dir',
        work,
        '--pretrained',
        'none',
        '--cfg-options',
        'train_cfg.max_iters=2',
        'train_cfg.val_interval=2',
        'train_dataloader.batch_size=2',
        env=dict(FTCL_DEMO_DATA=demo_data),
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    got = _val_metrics(work)
    assert all(m in got for m in metrics), out[-3000:]


@pytest.mark.parametrize(
    'config',
    [
        'faster-rcnn_r18w16-c4_tinydet_voc.py',
        'mask-rcnn_r18w16-c4_tinydet_coco.py',
    ],
)
def test_converted_backbone_arrives_unchanged(config, tiny_backbone):
    """Every tensor of the converted backbone arrives unchanged in the
    detector after init: stages 1-3 in its backbone, stage 4 in the res5
    shared head (a C4 detector whose res5 stayed at random init would
    transfer only part of what was pretrained)."""
    import torch
    from mmengine.config import Config
    from mmengine.registry import DefaultScope

    import ftcl_mm  # noqa: F401
    from ftcl_mm.engine.train_setup import set_pretrained

    from ..conftest import ROOT

    with DefaultScope.overwrite_default_scope('mmdet'):
        from mmdet.registry import MODELS
        from mmdet.utils import register_all_modules

        register_all_modules()
        cfg = Config.fromfile(osp.join(ROOT, TINYDET, config))
        assert set_pretrained(cfg, tiny_backbone) == 2
        model = MODELS.build(cfg.model)
        model.init_weights()
    source = torch.load(tiny_backbone, map_location='cpu')['state_dict']
    det = model.state_dict()
    arrived = 0
    for key, value in source.items():
        if key.startswith('layer4.'):
            target = 'roi_head.shared_head.' + key
        else:
            target = 'backbone.' + key
        if key.startswith('fc.') or target not in det:
            assert not key.startswith(('conv1', 'bn1', 'layer')), key
            continue
        torch.testing.assert_close(det[target], value, msg=target)
        arrived += 1
    assert arrived == sum(
        k.startswith(('conv1', 'bn1', 'layer')) for k in source
    )
