"""Every FT algorithm trains 2 iterations from its demo config."""

import pytest
import torch

from ..conftest import python_cli, scalars, train_opts


@pytest.mark.parametrize(
    'method', ['mocov1_ft', 'simclr_ft', 'simsiam_ft', 'byol_ft']
)
def test_demo_config_trains_two_iterations(method, demo_data, tmp_path):
    # mocov2_ft is covered by the hook tests.
    work = str(tmp_path / method)
    r = python_cli(
        'tools/train.py',
        f'configs/selfsup/demo/{method}_demo.py',
        '--work-dir',
        work,
        *train_opts(demo_data, epochs=1),
    )
    assert r.returncode == 0, r.stderr[-3000:]
    rows = scalars(work)
    assert [row['iter'] for row in rows] == [1, 2]
    assert all(row['ft_enabled'] == 1.0 for row in rows)
    assert all(torch.isfinite(torch.tensor(row['loss'])) for row in rows)
    state = torch.load(f'{work}/epoch_1.pth', map_location='cpu')
    assert state['state_dict']['ft.rng_state'].tolist() == [2, 0]  # step, seed
