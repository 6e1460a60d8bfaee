"""MoCHi and LooC/LooC++ train from their demo configs, convert to a
detector backbone, and feed their benchmark configs."""

import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from ftcl_mm.engine.train_setup import set_pretrained

from ..conftest import ROOT, python_cli, scalars, train_opts


def _train(config, demo_data, work, *extra):
    r = python_cli(
        'tools/train.py',
        f'configs/selfsup/demo/{config}.py',
        '--work-dir',
        work,
        *train_opts(demo_data, epochs=1),
        *extra,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return osp.join(work, 'epoch_1.pth')


def _assert_detector_backbone(ckpt, tmp_path):
    dst = str(tmp_path / 'r18.pth')
    r = python_cli('tools/convert_ckpt.py', ckpt, dst)
    assert r.returncode == 0, r.stderr
    assert 'ResNet-18, 120 tensors' in r.stdout
    from mmdet.registry import MODELS

    init_default_scope('mmdet')
    cfg = Config.fromfile(
        osp.join(
            ROOT,
            'configs/benchmarks/mmdetection/demo',
            'faster-rcnn_r18-c4_demo_voc.py',
        )
    )
    set_pretrained(cfg, dst)
    det = MODELS.build(cfg.model)
    det.init_weights()
    source = torch.load(ckpt, map_location='cpu')['state_dict']
    for name, value in det.backbone.state_dict().items():
        assert torch.equal(value, source[f'backbone.{name}']), name
    return dst


@pytest.mark.parametrize('config', ['mochi_ft_demo', 'looc_ft_demo'])
def test_trains_two_iterations_and_converts(config, demo_data, tmp_path):
    work = str(tmp_path / config)
    # MoCHi mixes from the first step here (the demo warms up 2 epochs).
    extra = ['model.warmup_epochs=0'] if 'mochi' in config else []
    ckpt = _train(config, demo_data, work, *extra)
    rows = scalars(work)
    assert [row['iter'] for row in rows] == [1, 2]
    assert all(torch.isfinite(torch.tensor(row['loss'])) for row in rows)
    # The score statistics hook records the sibling's scores (with FT).
    with open(osp.join(work, 'score_stats.csv')) as f:
        lines = f.read().splitlines()
    assert len(lines) == 3 and 'nan' not in lines[1].split(',')[4:12]
    state = torch.load(ckpt, map_location='cpu')['state_dict']
    assert state['ft.rng_state'].tolist() == [2, 0]
    if 'looc' in config:
        assert state['queue'].shape == (3, 128, 256)
    _assert_detector_backbone(ckpt, tmp_path)


def test_looc_pp_spaces_feed_the_linear_benchmark(demo_data, tmp_path):
    ckpt = _train('loocpp_demo', demo_data, str(tmp_path / 'pre'))
    spaces = str(tmp_path / 'spaces.pth')
    r = python_cli('tools/convert_ckpt.py', ckpt, spaces, '--with-neck')
    assert r.returncode == 0, r.stderr
    work = str(tmp_path / 'lin')
    root = f'{demo_data}/imagenet/'
    r = python_cli(
        'tools/train.py',
        'configs/benchmarks/classification/demo/'
        'resnet18_loocpp_linear_demo.py',
        '--work-dir',
        work,
        '--pretrained',
        spaces,
        '--cfg-options',
        f'train_dataloader.dataset.data_root={root}',
        f'val_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}',
        'train_cfg.max_epochs=1',
        'train_cfg.val_interval=1',
    )
    assert r.returncode == 0, r.stderr[-3000:]
    trained = torch.load(osp.join(work, 'epoch_1.pth'), map_location='cpu')[
        'state_dict'
    ]
    source = torch.load(spaces, map_location='cpu')['state_dict']
    # Backbone and neck come from LooC++ and stay frozen; the head learns.
    for key in (
        'backbone.conv1.weight',
        'neck.heads.2.weight',
        'neck.shared.0.weight',
    ):
        assert torch.equal(trained[key], source[key]), key
    # 10 classes: the demo linear head covers the generated 10 shapes.
    assert trained['head.fc.weight'].shape == (10, 3 * 128)


@pytest.mark.parametrize(
    'config, data_key',
    [
        ('resnet18_rotation_demo', 'train_dataloader.dataset.data_root'),
        (
            'resnet18_linear-2shot_demo',
            'train_dataloader.dataset.dataset.data_root',
        ),
    ],
)
def test_rotation_and_few_shot_benchmarks(
    config, data_key, demo_data, r18_backbone, tmp_path
):
    root = f'{demo_data}/imagenet/'
    work = str(tmp_path / config)
    r = python_cli(
        'tools/train.py',
        f'configs/benchmarks/classification/demo/{config}.py',
        '--work-dir',
        work,
        '--pretrained',
        r18_backbone,
        '--cfg-options',
        f'{data_key}={root}',
        f'val_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}',
        'train_cfg.max_epochs=1',
        'train_cfg.val_interval=1',
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'accuracy/top1' in r.stdout + r.stderr


def test_paper_scale_configs(mmpretrain_scope):
    from mmpretrain.registry import MODELS

    def load(name):
        return Config.fromfile(osp.join(ROOT, 'configs', name))

    mochi = load('selfsup/mochi_ft.py')
    assert (
        mochi.model.num_hard,
        mochi.model.num_mix,
        mochi.model.num_query_mix,
    ) == (1024, 512, 256)
    assert mochi.model.ft.pos and mochi.model.ft.neg
    looc = load('selfsup/looc.py')
    assert looc.model.queue_len == 16384
    assert looc.model.head.temperature == 0.2
    assert looc.train_cfg.max_epochs == 500
    assert looc.train_dataloader.dataset.type == 'ImageNet100'
    model = MODELS.build(load('selfsup/loocpp.py').model)
    assert model.representation == 'concat' and model.num_spaces == 3
    assert model.backbone.depth == 50
    views = looc.train_dataloader.dataset.pipeline[1]
    assert views.type == 'LooCMultiView' and len(views.factors) == 2
    for shots in (5, 10):
        fs = load(
            f'benchmarks/classification/flowers102/'
            f'resnet50_linear-{shots}shot_flowers102.py'
        )
        assert fs.train_dataloader.dataset.shots == shots
        assert fs.train_dataloader.dataset.dataset.type == 'Flowers102'
    rot = load(
        'benchmarks/classification/imagenet/'
        'resnet50_rotation-linear-100e_in100.py'
    )
    assert rot.model.head.num_classes == 4
    lpp = load(
        'benchmarks/classification/imagenet/'
        'resnet50_loocpp_linear-100e_in100.py'
    )
    assert lpp.model.head.in_channels == 3 * 128
