"""ScoreStatsHook: one row per iteration, across crash and resume."""

import math

from ftcl_mm.formats.run_results import logged_rows
from ftcl_mm.formats.score_csv import COLUMNS, read_rows

from ..conftest import python_cli, scalars, train_opts

CFG = 'configs/selfsup/demo/mocov2_ft_demo.py'


def test_rows_survive_crash_and_resume(demo_data, tmp_path):
    work = str(tmp_path / 'w')
    r = python_cli(
        'tools/train.py',
        CFG,
        '--work-dir',
        work,
        *train_opts(demo_data, epochs=1),
    )
    assert r.returncode == 0, r.stderr[-3000:]
    path = f'{work}/score_stats.csv'
    rows = read_rows(path)
    assert [row['iter'] for row in rows] == [1, 2]
    for row in rows:
        assert row['ft_enabled'] == 1
        assert row['pos_mean_ft'] < row['pos_mean']
        assert row['grad_norm'] > 0 and math.isfinite(row['loss'])
    # The visualizer got the same values (TensorBoard/W&B backends too).
    vis = [v for v in logged_rows(work) if 'scores/neg_var' in v]
    assert [v['step'] for v in vis] == [1, 2]
    assert math.isclose(
        vis[1]['scores/neg_var'], rows[1]['neg_var'], rel_tol=1e-5
    )

    # Simulate a crash after the checkpoint at iter 2: an iteration that was
    # flushed but is not in any checkpoint, then a torn half line.
    with open(path, 'a') as f:
        f.write(','.join(['3'] + ['0.5'] * (len(COLUMNS) - 1)) + '\n')
        f.write('4,1,1,0.12')
    r = python_cli(
        'tools/train.py',
        CFG,
        '--work-dir',
        work,
        '--resume',
        *train_opts(demo_data, epochs=2),
    )
    assert r.returncode == 0, r.stderr[-3000:]
    rows = read_rows(path)
    assert [row['iter'] for row in rows] == [1, 2, 3, 4]
    assert [row['epoch'] for row in rows] == [0, 0, 1, 1]
    assert rows[2]['loss'] != 0.5  # the stale row was replaced
    assert [row['iter'] for row in scalars(work)] == [1, 2, 3, 4]


def test_collapse_alarm_warns_once_in_the_log(demo_data, tmp_path):
    # Thresholds every step meets, so the alarm must fire at iteration 2
    # (after a window of 2 with no warm-up) and only once in 4 iterations.
    alarm = 'custom_hooks.1.collapse_alarm'
    r = python_cli(
        'tools/train.py',
        CFG,
        '--work-dir',
        str(tmp_path / 'w'),
        *train_opts(demo_data, epochs=2),
        f'{alarm}.gap_threshold=2.0',
        f'{alarm}.window=2',
        f'{alarm}.warmup=0',
    )
    assert r.returncode == 0, r.stderr[-3000:]
    lines = [
        line
        for line in (r.stdout + r.stderr).splitlines()
        if 'possible collapse' in line
    ]
    assert len(lines) == 1, lines
    assert 'ScoreStatsHook: possible collapse at iteration 2:' in lines[0]
