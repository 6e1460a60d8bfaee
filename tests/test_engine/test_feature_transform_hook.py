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


def _gate_run(demo_data, work, epochs, gate, *extra):
    opts = (
        [f'custom_hooks.0.gate_pos_score={gate}'] if gate is not None else []
    )
    return python_cli(
        'tools/train.py',
        CFG,
        '--work-dir',
        work,
        *extra,
        *train_opts(demo_data, epochs=epochs),
        *opts,
    )


def test_premise_gate_fires_after_an_epoch_and_matches_base_before(
    demo_data, tmp_path
):
    """A threshold every score reaches fires after epoch 0: FT from epoch
    1; until then the run is its base run, weight for weight."""
    import json

    gated, base = str(tmp_path / 'gated'), str(tmp_path / 'base')
    r = _gate_run(demo_data, gated, 2, -0.99)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    assert 'the FT gate fired' in out and 'FT from epoch 1' in out
    assert [row['ft_enabled'] for row in scalars(gated)] == [0, 0, 1, 1]
    gate = json.load(open(f'{gated}/ft_gate.json'))
    assert gate['score_epoch'] == 0 and gate['ft_from_epoch'] == 1
    # The base: FT never on (start after the end).
    r = python_cli(
        'tools/train.py',
        CFG,
        '--work-dir',
        base,
        *train_opts(demo_data, epochs=1),
        'custom_hooks.0.start_epoch=5',
    )
    assert r.returncode == 0, r.stderr[-3000:]
    a = torch.load(f'{gated}/epoch_1.pth', map_location='cpu')['state_dict']
    b = torch.load(f'{base}/epoch_1.pth', map_location='cpu')['state_dict']
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k


def test_premise_gate_that_never_fires_warns_and_resumes(demo_data, tmp_path):
    work = str(tmp_path / 'w')
    r = _gate_run(demo_data, work, 1, 1.0)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    assert (
        'the FT gate never fired: the highest epoch-mean positive score was'
        in out
    )
    assert 'below the threshold 1.0; this run trained without FT' in out
    # Resumed with a threshold epoch 0 reached: the decision is re-derived
    # from score_stats.csv, FT on from the resumed epoch.
    r = _gate_run(demo_data, work, 2, -0.99, '--resume')
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    assert 'FT from epoch 1' in out
    assert [row['ft_enabled'] for row in scalars(work)][-2:] == [1, 1]
