"""Hard Sample Generation trains from its demo configs, writes sample
grids, and converts to a detector backbone without generator weights."""

import glob
import os.path as osp

import numpy as np
import pytest
import torch
from PIL import Image

from ..conftest import python_cli, scalars, train_opts
from .test_train_sibling_demos import _assert_detector_backbone


@pytest.mark.parametrize('config', ['hsg_simclr_demo', 'hsg_mocov2_demo'])
def test_trains_two_iterations_and_converts(config, demo_data, tmp_path):
    work = str(tmp_path / config)
    r = python_cli(
        'tools/train.py',
        f'configs/selfsup/demo/{config}.py',
        '--work-dir',
        work,
        *train_opts(demo_data, epochs=1),
    )
    assert r.returncode == 0, r.stderr[-3000:]
    rows = scalars(work)
    assert [row['iter'] for row in rows] == [1, 2]
    for row in rows:
        for key in ('loss', 'loss_disc', 'gen_reward', 'gen_realism'):
            assert np.isfinite(row[key]), key
    # rho falls linearly over the 2 iterations: 1.0, then 0.75.
    assert [row['pair_rho'] for row in rows] == [1.0, 0.75]
    assert rows[0]['pair_sim'] == pytest.approx(1.0)
    # One grid after training: 8 rows x 3 columns of 64 px samples.
    grids = glob.glob(osp.join(work, 'hsg_samples', 'iter_*.png'))
    assert [osp.basename(g) for g in grids] == ['iter_0000002.png']
    assert Image.open(grids[0]).size == (3 * 66 + 2, 8 * 66 + 2)
    ckpt = osp.join(work, 'epoch_1.pth')
    state = torch.load(ckpt, map_location='cpu')
    assert any(
        k.startswith('pair_generator.gen_b.') for k in state['state_dict']
    )
    assert set(state['optimizer']) == {'encoder', 'generator', 'discriminator'}
    dst = _assert_detector_backbone(ckpt, tmp_path)
    converted = torch.load(dst, weights_only=True)['state_dict']
    assert not any('generator' in k or 'discriminator' in k for k in converted)


def test_paper_scale_configs_train_a_step(mmpretrain_scope):
    """The CIFAR config's real model (CIFAR ResNet-18, 32 px generators,
    its three optimizers) takes a step; IN-100 generators match the crop."""
    from mmengine.config import Config
    from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
    from mmpretrain.structures import DataSample

    from ..conftest import ROOT

    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/selfsup', 'hsg_simclr_cifar100.py')
    )
    assert cfg.train_dataloader.dataset.type == 'CIFAR100'
    assert (cfg.model.num_single, cfg.model.num_pairs) == (64, 64)
    cfg.model.num_single = cfg.model.num_pairs = 2
    model = MODELS.build(cfg.model)
    ow = cfg.optim_wrapper.to_dict()
    ow = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type=ow.pop('constructor'),
            paramwise_cfg=ow.pop('paramwise_cfg', None),
            optim_wrapper_cfg=ow,
        )
    )(model)
    assert type(ow['encoder'].optimizer).__name__ == 'SGD'
    assert type(ow['generator'].optimizer).__name__ == 'Adam'
    views = [
        torch.randint(0, 256, (4, 3, 32, 32), dtype=torch.uint8)
        for _ in range(2)
    ]
    log = model.train_step(
        dict(inputs=views, data_samples=[DataSample()] * 4), ow
    )
    assert torch.isfinite(log['loss'])
    for name in ('hsg_simclr_in100', 'hsg_mocov2_in100'):
        cfg = Config.fromfile(osp.join(ROOT, 'configs/selfsup', f'{name}.py'))
        crop = cfg.train_dataloader.dataset.pipeline[1].transforms[0][0]
        assert cfg.model.generator.out_size == crop.scale == 224
        assert cfg.train_dataloader.dataset.type == 'ImageNet100'


@pytest.mark.parametrize(
    'config, port',
    [('hsg_simclr_demo', '29541'), ('hsg_mocov2_demo', '29542')],
)
def test_dist_train_two_cpu_processes(config, port, demo_data, tmp_path):
    """Separate DDP per child module: generators, discriminator and encoder
    synchronise their own gradients; frozen passes bypass DDP."""
    import sys

    from ..conftest import run_cli

    work = str(tmp_path / 'dist')
    r = run_cli(
        [
            'bash',
            'tools/dist_train.sh',
            f'configs/selfsup/demo/{config}.py',
            '2',
            '--work-dir',
            work,
            *train_opts(demo_data, epochs=1),
        ],
        env=dict(FTCL_PYTHON=sys.executable, PORT=port),
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    state = torch.load(osp.join(work, 'epoch_1.pth'), map_location='cpu')
    assert state['meta']['iter'] == 1
    sd = state['state_dict']
    # Saved without DDP prefixes, so the converter finds the backbone
    # and --resume loads it.
    assert 'backbone.conv1.weight' in sd and 'generator.fc.weight' in sd
    assert not any('.module.' in k for k in sd if 'encoder_k' not in k)
    r = run_cli(
        [
            'bash',
            'tools/dist_train.sh',
            f'configs/selfsup/demo/{config}.py',
            '2',
            '--work-dir',
            work,
            '--resume',
            *train_opts(demo_data, epochs=2),
        ],
        env=dict(FTCL_PYTHON=sys.executable, PORT=port),
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    assert 'resumed epoch: 1, iter: 1' in out
    resumed = torch.load(osp.join(work, 'epoch_2.pth'), map_location='cpu')
    assert resumed['meta']['iter'] == 2
