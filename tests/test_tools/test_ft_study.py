"""tools/studies/ft_study.py, run in process: the plan, the report of
finished runs, and its CLI errors. (Its steps -- train.py,
convert_ckpt.py, knn_eval.py, linear evaluation -- are tested on their
own, the launcher and the paired statistics in tests/test_sweep; a real
study is hours of CPU, see docs/reports/narratives/ft_study.)"""

import json
import os

from ..conftest import ROOT, tool_in_process

STUDY = 'tools/studies/ft_study.py'


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
    r = tool_in_process(
        STUDY,
        '--methods',
        'mocov2',
        'loocpp',
        '--variants',
        'base',
        '--seeds',
        '0',
        '1',
        '--work-dir',
        str(tmp_path),
        '--dry-run',
    )
    assert r.returncode == 0, r.stderr
    names = [
        line.strip().split(':')[0]
        for line in r.stdout.splitlines()
        if line.startswith('  ')
    ]
    assert names == [
        'random init, seed 0',
        'mocov2/base/seed0',
        'loocpp/base/seed0',
        'random init, seed 1',
        'mocov2/base/seed1',
        'loocpp/base/seed1',
    ]
    config = 'configs/selfsup/tiny/loocpp_tiny.py'
    assert f'loocpp/base/seed1: {config}' in r.stdout
    assert os.path.isfile(os.path.join(ROOT, config))


def test_report_only_summarises_finished_runs(tmp_path):
    work = tmp_path / 'study'
    for r in (
        _result('mocov2', 'base', 0, 30.0, 25.0),
        dict(
            _result('mocov2', 'both', 0, 24.0, 20.0, pos=-0.2, neg=0.3),
            effective_rank=12.5,
        ),
        _result('random', 'init', 0, 27.6, 14.3),
        _result('mochi', 'base', 0, 33.0, 24.0),
    ):
        d = (
            work / 'random' / 'seed0'
            if r['method'] == 'random'
            else work / r['method'] / r['variant'] / 'seed0'
        )
        d.mkdir(parents=True)
        (d / 'result.json').write_text(json.dumps(r))
    r = tool_in_process(
        STUDY,
        '--methods',
        'mocov2',
        'mochi',
        '--variants',
        'base',
        'both',
        '--seeds',
        '0',
        '--work-dir',
        str(work),
        '--report-only',
        '--skip-missing',
        '--reference',
        'mocov2',
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert 'left out' not in r.stdout  # mochi_ft_tiny.py exists
    md = (work / 'results.md').read_text()
    # the sibling against MoCo v2 base of the same seed
    assert '| mochi | base | +3.00 ± 0.00 | -1.00 ± 0.00 |' in md
    assert '| mocov2 | both | 24.00 ± 0.00 | -6.00 ± 0.00 |' in md
    assert '| random | init | 27.60 ± 0.00 |' in md
    both = next(x for x in md.splitlines() if x.startswith('| mocov2 | both'))
    assert both.endswith('| 12.5 | 1 |')  # effective rank, n
    data = json.loads((work / 'results.json').read_text())
    assert data['summary']['mocov2/both']['knn_top1_gain']['mean'] == -6.0
    assert (work / 'plots' / 'accuracy.png').stat().st_size > 0
    # No score_stats.csv in these fake runs: told, not a crash.
    assert 'no score plots for mocov2' in r.stderr


def test_cli_dry_run_and_errors(tmp_path):
    r = tool_in_process(
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
    r = tool_in_process(
        STUDY,
        '--methods',
        'hsg_simclr',
        '--variants',
        'both',
        '--work-dir',
        str(tmp_path),
        '--dry-run',
    )
    assert r.returncode == 2
    assert r.stderr.strip().count('\n') == 0 and 'no config for' in r.stderr
    r = tool_in_process(
        STUDY,
        '--methods',
        'hsg_simclr',
        '--variants',
        'base',
        'both',
        '--seeds',
        '0',
        '--work-dir',
        str(tmp_path),
        '--dry-run',
        '--skip-missing',
    )
    assert r.returncode == 0, r.stderr
    assert 'left out: configs/selfsup/tiny/hsg_simclr_ft_tiny.py' in r.stdout
    assert 'hsg_simclr/base/seed0' in r.stdout
    assert 'hsg_simclr/both' not in r.stdout
    r = tool_in_process(STUDY, '--jobs', '0', '--work-dir', str(tmp_path))
    assert (
        r.returncode == 2
        and 'argument --jobs: must be an integer >= 1' in r.stderr
    )
    assert tool_in_process(STUDY, '--help').returncode == 0
