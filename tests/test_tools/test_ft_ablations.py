"""tools/studies/ft_ablations.py: its command line (the report of
finished runs: tests/test_sweep/test_ablations.py; a real protocol is many
hours of CPU; the study's steps are tested in test_ft_study and
tests/test_sweep)."""

from ..conftest import python_cli, tool_in_process

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


def test_unknown_table_is_one_clear_error(tmp_path):
    r = tool_in_process(TOOL, '--tables', 'T9', '--work-dir', str(tmp_path))
    assert r.returncode == 2
    assert "invalid choice: 'T9'" in r.stderr
