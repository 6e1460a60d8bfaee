"""tools/studies/ft_ablations.py: the ft_study call of every table, and
the report of finished runs (a real protocol is many hours of CPU; the
study's steps are tested in test_ft_study and tests/test_sweep)."""

import json
import os

from ..conftest import python_cli

TOOL = 'tools/studies/ft_ablations.py'


def test_dry_run_prints_one_study_call_per_table(tmp_path):
    r = python_cli(
        TOOL,
        '--tables',
        'T7',
        'length',
        '--seeds',
        '0',
        '1',
        '--work-dir',
        str(tmp_path),
        '--dry-run',
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0] == (
        'T7: python tools/studies/ft_study.py --methods mocov2 simclr '
        '--variants base pos neg both dim --seeds 0 1 --work-dir '
        f'{tmp_path}'
    )
    # The longer schedule lives in its own dir and reuses random init.
    assert lines[1].endswith(
        f'--work-dir {tmp_path}/60ep --epochs 60 --no-random-init'
    )


def test_report_only_writes_every_table(tmp_path):
    def put(rel, result):
        os.makedirs(tmp_path / rel)
        (tmp_path / rel / 'result.json').write_text(json.dumps(result))

    put(
        'random/seed0',
        dict(
            method='random',
            variant='init',
            seed=0,
            knn_top1=25.0,
            linear_top1=15.0,
        ),
    )
    for seed, (base, both) in enumerate([(40.0, 30.0), (50.0, 41.0)]):
        put(
            f'mocov2/base/seed{seed}',
            dict(
                method='mocov2',
                variant='base',
                seed=seed,
                knn_top1=base,
                linear_top1=base,
            ),
        )
        put(
            f'mocov2/both/seed{seed}',
            dict(
                method='mocov2',
                variant='both',
                seed=seed,
                knn_top1=both,
                linear_top1=both,
            ),
        )
    r = python_cli(
        TOOL,
        '--report-only',
        '--seeds',
        '0',
        '1',
        '--work-dir',
        str(tmp_path),
    )
    assert r.returncode == 0, r.stderr
    md = (tmp_path / 'ablations.md').read_text()
    for key in ('T7', 'detached', 'T6', 'length', 'T3', 'T2T4'):
        assert f'## {key}: ' in md
    # MoCo v2 both lost 10 and 9 points: paired, a loss beyond 1 std (kNN
    # and linear), in T7 and again as T6's "from epoch 0" cell; not in the
    # 60-epoch table, whose runs live elsewhere.
    assert md.count('-9.50 ± 0.71') == 4
    length = md.split('## length: ')[1].split('## T3')[0]
    assert '-9.50' not in length
    assert 'loss > 1 std' in md
    assert 'seed 0 25.0 / 15.0 (kNN / linear)' in md
    assert '--tables T6 --seeds 0 1 --work-dir' in md
    assert (tmp_path / 'plots' / 'T7_accuracy.png').is_file()


def test_unknown_table_is_one_clear_error(tmp_path):
    r = python_cli(TOOL, '--tables', 'T9', '--work-dir', str(tmp_path))
    assert r.returncode == 2
    assert "invalid choice: 'T9'" in r.stderr
