"""FeatureTransformHook: start epoch/iteration, also across --resume."""

import torch

from ..conftest import python_cli, scalars, train_opts

CFG = 'configs/selfsup/demo/mocov2_ft_demo.py'


def test_start_epoch_switch_survives_resume(demo_data, tmp_path):
    work = str(tmp_path / 'w')
    r = python_cli(
        'tools/train.py',
        CFG,
        '--work-dir',
        work,
        *train_opts(demo_data, epochs=1),
        'custom_hooks.0.start_epoch=1',
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'Feature Transformation ON' not in r.stdout + r.stderr
    assert [row['ft_enabled'] for row in scalars(work)] == [0.0, 0.0]

    r = python_cli(
        'tools/train.py',
        CFG,
        '--work-dir',
        work,
        '--resume',
        *train_opts(demo_data, epochs=2),
        'custom_hooks.0.start_epoch=1',
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    assert 'Feature Transformation ON at epoch 1, iter 2' in out
    rows = scalars(work)
    assert [row['iter'] for row in rows] == [1, 2, 3, 4]
    assert [row['ft_enabled'] for row in rows] == [0.0, 0.0, 1.0, 1.0]
    state = torch.load(f'{work}/epoch_2.pth', map_location='cpu')
    # The lambda stream position and seed were checkpointed.
    assert state['state_dict']['ft.rng_state'].tolist() == [4, 0]  # step, seed


def test_start_iter(demo_data, tmp_path):
    work = str(tmp_path / 'w')
    r = python_cli(
        'tools/train.py',
        CFG,
        '--work-dir',
        work,
        *train_opts(demo_data, epochs=1),
        'custom_hooks.0.start_iter=1',
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert (
        'Feature Transformation ON at epoch 0, iter 1' in r.stdout + r.stderr
    )
    assert [row['ft_enabled'] for row in scalars(work)] == [0.0, 1.0]
