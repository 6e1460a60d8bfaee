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
