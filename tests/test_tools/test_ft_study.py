"""tools/analysis/ft_study.py: the plan, the paired-gain aggregation, the
report of finished runs, and its CLI errors. (Its steps -- train.py,
convert_ckpt.py, knn_eval.py, linear evaluation -- are tested on their
own; a real study is hours of CPU, see README "FT study".)"""

import json
import os
import statistics
import sys

import pytest

from ..conftest import ROOT, python_cli

sys.path.insert(0, f'{ROOT}/tools/analysis')
import ft_study  # noqa: E402

STUDY = 'tools/analysis/ft_study.py'


def _result(method, variant, seed, knn, linear, pos=0.5, neg=0.1):
    return dict(
        method=method,
        variant=variant,
        seed=seed,
        knn_top1=knn,
        linear_top1=linear,
        scores=dict(
            pos_mean=pos,
            neg_mean=neg,
            neg_var=0.05,
            pos_mean_ft=pos,
            neg_mean_ft=neg,
        ),
    )


def test_plan_is_seed_major_with_random_init(tmp_path):
    args = ft_study.parse_args(
        [
            '--methods',
            'mocov2',
            '--variants',
            'base',
            'both',
            '--seeds',
            '0',
            '1',
            '--work-dir',
            str(tmp_path),
        ]
    )
    names = [r.name for r in ft_study.make_plan(args)]
    assert names == [
        'random init, seed 0',
        'mocov2/base/seed0',
        'mocov2/both/seed0',
        'random init, seed 1',
        'mocov2/base/seed1',
        'mocov2/both/seed1',
    ]
    run = ft_study.make_plan(args)[2]
    assert run.config == 'configs/selfsup/tiny/mocov2_ft_tiny.py'
    assert os.path.isfile(os.path.join(ROOT, run.config))


def test_gains_are_paired_by_seed():
    results = [
        _result('simclr', 'base', 0, 50.0, 60.0),
        _result('simclr', 'base', 1, 40.0, 50.0),
        _result('simclr', 'both', 0, 52.0, 59.0),
        _result('simclr', 'both', 1, 43.0, 52.0),
        _result('random', 'init', 0, 20.0, 15.0),
    ]
    summary = ft_study.aggregate(results)
    both = summary['simclr/both']
    assert both['knn_top1']['mean'] == pytest.approx(47.5)
    # Paired gains (+2, +3), not the difference of means with pooled std.
    assert both['knn_top1_gain']['mean'] == pytest.approx(2.5)
    assert both['knn_top1_gain']['std'] == pytest.approx(
        statistics.stdev([2.0, 3.0])
    )
    assert both['linear_top1_gain']['mean'] == pytest.approx(0.5)
    assert 'knn_top1_gain' not in summary['simclr/base']
    assert 'knn_top1_gain' not in summary['random/init']
    assert ft_study._verdict(both['knn_top1_gain']) == 'gain > 1 std'
    assert ft_study._verdict(both['linear_top1_gain']) == 'within 1 std'
    assert ft_study._verdict(dict(mean=-3.0, std=1.0, n=3)) == 'loss > 1 std'
    assert ft_study._verdict(dict(mean=5.0, std=0.0, n=1)) == '-'


def test_report_only_summarises_finished_runs(tmp_path):
    work = tmp_path / 'study'
    for r in (
        _result('mocov2', 'base', 0, 30.0, 25.0),
        _result('mocov2', 'both', 0, 24.0, 20.0, pos=-0.2, neg=0.3),
        _result('random', 'init', 0, 27.6, 14.3),
    ):
        d = (
            work / 'random' / 'seed0'
            if r['method'] == 'random'
            else work / r['method'] / r['variant'] / 'seed0'
        )
        d.mkdir(parents=True)
        (d / 'result.json').write_text(json.dumps(r))
    r = python_cli(
        STUDY,
        '--methods',
        'mocov2',
        '--variants',
        'base',
        'both',
        '--seeds',
        '0',
        '--work-dir',
        str(work),
        '--report-only',
    )
    assert r.returncode == 0, r.stderr[-2000:]
    md = (work / 'results.md').read_text()
    assert '| mocov2 | both | 24.00 ± 0.00 | -6.00 ± 0.00 |' in md
    assert '| random | init | 27.60 ± 0.00 |' in md
    data = json.loads((work / 'results.json').read_text())
    assert data['summary']['mocov2/both']['knn_top1_gain']['mean'] == -6.0
    assert (work / 'plots' / 'accuracy.png').stat().st_size > 0
    # No score_stats.csv in these fake runs: told, not a crash.
    assert 'no score plots for mocov2' in r.stderr


def test_cli_dry_run_and_errors(tmp_path):
    r = python_cli(
        STUDY,
        '--methods',
        'mocov2',
        'simclr',
        '--variants',
        'base',
        'neg',
        '--seeds',
        '0',
        '--work-dir',
        str(tmp_path),
        '--dry-run',
    )
    assert r.returncode == 0, r.stderr
    assert (
        'simclr/neg/seed0: configs/selfsup/tiny/simclr_ft-neg_tiny.py'
        in r.stdout
    )
    assert not os.listdir(tmp_path)  # a dry run writes nothing
    r = python_cli(
        STUDY, '--methods', 'byol', '--work-dir', str(tmp_path), '--dry-run'
    )
    assert r.returncode == 2
    assert r.stderr.strip().count('\n') == 0 and 'no config for' in r.stderr
    r = python_cli(STUDY, '--jobs', '0', '--work-dir', str(tmp_path))
    assert r.returncode == 2 and '--jobs must be >= 1' in r.stderr
    assert python_cli(STUDY, '--help').returncode == 0
