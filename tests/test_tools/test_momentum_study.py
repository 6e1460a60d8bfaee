"""The momentum-study command trains one run per m and plots them."""

import os

from ftcl_mm.formats.score_csv import read_rows

from ..conftest import python_cli, tool_in_process


def test_momentum_study_demo(demo_data, tmp_path):
    work = str(tmp_path / 'study')
    r = python_cli(
        'tools/studies/momentum_study.py',
        '--scale',
        'demo',
        '--momentums',
        '0.99',
        '0.5',
        '--epochs',
        '1',
        '--work-dir',
        work,
        '--cfg-options',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        env=dict(FTCL_DEMO_DATA=demo_data),
    )
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    for m in ('0.99', '0.5'):
        rows = read_rows(os.path.join(work, f'm{m}', 'score_stats.csv'))
        assert [row['iter'] for row in rows] == [1, 2]
    plots = sorted(os.listdir(os.path.join(work, 'plots')))
    assert 'grad_landscape.png' in plots and 'score_waterfall.pdf' in plots
    r = tool_in_process(
        'tools/studies/momentum_study.py', '--momentums', '1.5'
    )
    assert r.returncode == 2 and 'must be in (0, 1)' in r.stderr
