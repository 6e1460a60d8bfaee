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
    r = python_cli('tools/train.py', f'configs/selfsup/demo/{config}.py',
                   '--work-dir', work, *train_opts(demo_data, epochs=1))
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
    assert any(k.startswith('pair_generator.gen_b.')
               for k in state['state_dict'])
    assert set(state['optimizer']) == {'encoder', 'generator',
                                       'discriminator'}
    dst = _assert_detector_backbone(ckpt, tmp_path)
    converted = torch.load(dst, weights_only=True)['state_dict']
    assert not any('generator' in k or 'discriminator' in k
                   for k in converted)
