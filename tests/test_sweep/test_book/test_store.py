"""The run store: a run is current while its config resolves to the recipe
it recorded; changing a config marks exactly that config's cells stale."""

import os.path as osp

import pytest

from ftcl_mm.sweep.book import CURRENT, MISSING, STALE, UNRECORDED, RunCell
from ftcl_mm.sweep.book.store import load, set_aside
from ftcl_mm.utils.errors import UserInputError

from .conftest import store_run

BASE = RunCell('simclr')
FT = RunCell('simclr', 'both')
MOCO = RunCell('mocov2')


def _status(repo, store, cells, seeds=(0,)):
    return {
        (r.cell, r.seed): r.status for r in load(repo, cells, seeds, store)
    }


def test_recorded_runs_are_current_and_absent_ones_missing(repo, tmp_path):
    store = str(tmp_path / 'store')
    store_run(repo, store, BASE, 0)
    got = _status(repo, store, [BASE, FT], (0, 1))
    assert got == {
        (BASE, 0): CURRENT,
        (BASE, 1): MISSING,
        (FT, 0): MISSING,
        (FT, 1): MISSING,
    }


def test_changing_a_config_marks_exactly_its_cells_stale(repo, tmp_path):
    store = str(tmp_path / 'store')
    for cell in (BASE, FT, MOCO):
        store_run(repo, store, cell, 0)
    # simclr_ft_tiny.py only: the FT cell goes stale, its base does not
    path = osp.join(repo, 'configs/selfsup/tiny/simclr_ft_tiny.py')
    with open(path, 'a') as f:
        f.write('\nrandomness = dict(deterministic=True)\n')
    got = _status(repo, store, [BASE, FT, MOCO])
    assert got == {(BASE, 0): CURRENT, (FT, 0): STALE, (MOCO, 0): CURRENT}


def test_a_comment_changes_nothing(repo, tmp_path):
    store = str(tmp_path / 'store')
    store_run(repo, store, MOCO, 0)
    path = osp.join(repo, 'configs/selfsup/tiny/mocov2_tiny.py')
    with open(path, 'a') as f:
        f.write('\n# why this setting: a comment is not the recipe\n')
    assert _status(repo, store, [MOCO]) == {(MOCO, 0): CURRENT}


def test_a_changed_evaluation_is_stale_too(repo, tmp_path):
    store = str(tmp_path / 'store')
    store_run(repo, store, BASE, 0)
    path = osp.join(
        repo,
        'configs/benchmarks/classification/tiny/resnet18w16_linear_tiny.py',
    )
    with open(path, 'a') as f:
        f.write('\noptim_wrapper = dict(optimizer=dict(lr=0.5))\n')
    [run] = load(repo, [BASE], (0,), store)
    assert run.status == STALE
    assert 'evaluation' in run.why_stale()


def test_unrecorded_and_foreign_runs(repo, tmp_path):
    store = str(tmp_path / 'store')
    store_run(repo, store, BASE, 0, recorded=False)
    assert _status(repo, store, [BASE]) == {(BASE, 0): UNRECORDED}
    # a result that is not the cell's own (another study's layout)
    store_run(repo, store, FT, 1)
    src = osp.join(FT.run_dir(store, 1), 'result.json')
    dst = osp.join(BASE.run_dir(store, 1), 'result.json')
    import os
    import shutil

    os.makedirs(osp.dirname(dst))
    shutil.copyfile(src, dst)
    with pytest.raises(UserInputError, match='not of cell 20ep/simclr/base'):
        load(repo, [BASE], (1,), store)


def test_set_aside_keeps_the_old_run(tmp_path):
    d = tmp_path / 'seed0'
    d.mkdir()
    (d / 'x').write_text('1')
    first = set_aside(str(d), 'abc')
    d.mkdir()
    second = set_aside(str(d), 'abc')
    assert first.endswith('seed0.stale-abc')
    assert second.endswith('seed0.stale-abc-2')
    assert (tmp_path / 'seed0.stale-abc' / 'x').read_text() == '1'


def test_the_recipe_does_not_depend_on_where_the_data_lives(monkeypatch):
    from ftcl_mm.sweep.book import recipe

    from .conftest import ROOT

    got = set()
    for root in ('', '/work/data/demo', 'elsewhere/shapes'):
        monkeypatch.setenv('FTCL_DEMO_DATA', root)
        got.add(recipe(ROOT, BASE, 3))
    assert len(got) == 1


def test_backfill_records_unrecorded_runs_at_their_commit(repo, tmp_path):
    import subprocess

    from ftcl_mm.sweep.book.store import backfill

    subprocess.run(['git', 'init', '-q', repo], check=True)
    subprocess.run(['git', '-C', repo, 'add', '-A'], check=True)
    subprocess.run(
        [
            'git',
            '-C',
            repo,
            '-c',
            'user.name=t',
            '-c',
            'user.email=t@t',
            'commit',
            '-qm',
            'configs',
        ],
        check=True,
    )
    commit = subprocess.run(
        ['git', '-C', repo, 'rev-parse', 'HEAD'],
        capture_output=True,
        text=True,
    ).stdout.strip()
    store = str(tmp_path / 'store')
    store_run(repo, store, BASE, 0, recorded=False)
    store_run(repo, store, FT, 0)  # recorded: left alone
    runs = load(repo, [BASE, FT], (0,), store)
    assert backfill(repo, runs, commit) == 1
    [base, ft] = load(repo, [BASE, FT], (0,), store)
    assert base.status == CURRENT and ft.status == CURRENT
    assert base.provenance['backfilled_from'] == commit
    assert 'backfilled_from' not in ft.provenance
