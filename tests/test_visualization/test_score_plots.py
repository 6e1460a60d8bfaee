"""Plots from score_stats.csv files, and the CLI's errors."""

import math
import os

import matplotlib.image as mpimg
import numpy as np
import pytest

from ftcl_mm.formats.score_csv import COLUMNS, write_rows
from ftcl_mm.visualization import NoStatsError, load_run, plot_runs
from ftcl_mm.visualization.score_plots import smooth

from ..conftest import python_cli


def _fake_run(path, n=60, collapse=False, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(1, n + 1):
        row = {c: float(rng.normal(0.2, 0.05)) for c in COLUMNS}
        row.update(iter=i, epoch=i // 20, ft_enabled=1, lam_neg=math.nan)
        row['grad_norm'] = (10 * i / n if collapse else 1.0) + rng.random()
        rows.append(row)
    os.makedirs(path, exist_ok=True)
    write_rows(os.path.join(path, 'score_stats.csv'), rows)
    return str(path)


def _assert_real_image(path):
    assert os.path.getsize(path) > 5000
    img = mpimg.imread(path)
    assert img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 100
    assert img[..., :3].std() > 0.01  # not a blank canvas


@pytest.mark.parametrize('n_runs', [1, 3])
def test_plots_for_one_and_several_runs(tmp_path, n_runs):
    runs = [
        _fake_run(tmp_path / f'r{i}', collapse=i == 2, seed=i)
        for i in range(n_runs)
    ]
    out = str(tmp_path / 'plots')
    paths = plot_runs(runs, out, window=5)
    names = sorted(os.path.basename(p) for p in paths)
    assert names == sorted(
        f'{n}.{e}'
        for n in ('score_curves', 'score_waterfall', 'grad_landscape')
        for e in ('png', 'pdf')
    )
    for p in paths:
        if p.endswith('.png'):
            _assert_real_image(p)
        else:
            with open(p, 'rb') as f:
                assert f.read(5) == b'%PDF-'
    assert not [f for f in os.listdir(out) if '.tmp.' in f]


def test_load_run_and_smooth(tmp_path):
    run = load_run(_fake_run(tmp_path / 'r', n=10))
    assert run['iter'].tolist() == list(range(1, 11))
    x = np.array([1.0, 3.0, np.nan, 5.0])
    np.testing.assert_allclose(smooth(x, 2), [1.0, 2.0, 3.0, 5.0])


def test_missing_stats(tmp_path):
    with pytest.raises(NoStatsError, match='no score_stats.csv'):
        load_run(str(tmp_path))


@pytest.mark.slow
def test_cli(tmp_path):
    run = _fake_run(tmp_path / 'r')
    r = python_cli(
        'tools/analysis/plot_scores.py',
        run,
        '--out',
        str(tmp_path / 'o'),
        '--labels',
        'mine',
    )
    assert r.returncode == 0, r.stderr
    assert os.path.isfile(tmp_path / 'o' / 'score_curves.png')
    r = python_cli('tools/analysis/plot_scores.py', str(tmp_path / 'empty'))
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f'plot_scores.py: error: {tmp_path / "empty"} has no '
        'score_stats.csv; train with ScoreStatsHook (in every selfsup config '
        'of ftcl_mm) to record score statistics'
    ]
    r = python_cli('tools/analysis/plot_scores.py', run, '--labels', 'a', 'b')
    assert r.returncode == 2 and '2 labels for 1 runs' in r.stderr
