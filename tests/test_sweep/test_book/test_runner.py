"""What a study lacks, how it is run and stored."""

import os.path as osp

from ftcl_mm.sweep.book import CURRENT, RunCell, studies
from ftcl_mm.sweep.book.runner import commands, pending, store_finished
from ftcl_mm.sweep.book.store import load

from .conftest import ROOT, store_run

BASE, FT, RANDOM = (
    RunCell('simclr'),
    RunCell('simclr', 'both'),
    RunCell('random'),
)


def _study(name='families'):
    return studies(ROOT)[name]


def test_commands_group_by_method_and_folder(tmp_path):
    wd = str(tmp_path / 'w')
    s = _study()
    todo = load(ROOT, [BASE, FT, RANDOM, RunCell('byol')], (0, 1), wd)
    cmds = commands(s, todo, wd, jobs=2, data_root=None)
    tools = sorted(
        tuple(c[c.index('--methods') + 1 : c.index('--seeds')]) for c in cmds
    )
    assert tools == [
        ('byol', '--variants', 'base'),
        ('random', '--variants', 'base'),
        ('simclr', '--variants', 'base', 'both'),
    ]
    for c in cmds:
        assert c[0] == 'tools/studies/ft_study.py'
        assert c[c.index('--work-dir') + 1] == osp.join(wd, '20ep')
        assert c[c.index('--seeds') + 1 : c.index('--epochs')] == ['0', '1']
        assert c[c.index('--jobs') + 1] == '2'
        assert ('--no-random-init' in c) == ('random' not in c)


def test_fair_test_runs_through_its_protocol(tmp_path):
    s = _study('fair_test')
    gate = next(c for c in s.cells if c.variant == 'gate' and c.epochs == 20)
    todo = load(ROOT, [gate], (3, 4), str(tmp_path))
    [cmd] = commands(s, todo, str(tmp_path), None, None)
    assert cmd[0] == 'tools/studies/ft_fair_test.py'
    assert cmd[cmd.index('--blocks') + 1 : cmd.index('--seeds')] == ['simclr']
    assert cmd[cmd.index('--seeds') + 1 :] == ['3', '4']


def test_pending_skips_stored_and_reruns_stale_on_request(repo, tmp_path):
    store, wd = str(tmp_path / 'store'), str(tmp_path / 'w')
    s = _study()
    store_run(repo, store, BASE, 0)  # current: done
    store_run(repo, store, FT, 0)
    with open(
        osp.join(repo, 'configs/selfsup/tiny/simclr_ft_tiny.py'), 'a'
    ) as f:
        f.write('\nrandomness = dict(deterministic=True)\n')  # FT stale
    store_run(repo, wd, FT, 1)  # current in the work dir: done, not stored
    todo, kept = pending(repo, s, [BASE, FT], (0, 1), store, wd, False)
    assert [(r.cell, r.seed) for r in todo] == [(BASE, 1)]
    assert [(r.cell, r.seed) for r in kept] == [(FT, 0)]
    todo, kept = pending(repo, s, [BASE, FT], (0, 1), store, wd, True)
    assert [(r.cell, r.seed) for r in todo] == [(BASE, 1), (FT, 0)]
    assert store_finished(repo, [BASE, FT], (0, 1), wd, store) == 1
    got = {(r.cell, r.seed): r.status for r in load(repo, [FT], (1,), store)}
    assert got == {(FT, 1): CURRENT}


def test_a_stale_work_dir_run_is_set_aside(repo, tmp_path):
    store, wd = str(tmp_path / 'store'), str(tmp_path / 'w')
    store_run(repo, wd, FT, 0)
    with open(
        osp.join(repo, 'configs/selfsup/tiny/simclr_ft_tiny.py'), 'a'
    ) as f:
        f.write('\nrandomness = dict(deterministic=True)\n')
    todo, _ = pending(repo, _study(), [FT], (0,), store, wd, True)
    assert [r.seed for r in todo] == [0]
    assert not osp.exists(FT.run_dir(wd, 0))
    assert any(
        '.stale-' in p
        for p in __import__('os').listdir(osp.dirname(FT.run_dir(wd, 0)))
    )


def test_suite_commands_and_the_suite_row(repo, tmp_path):
    from ftcl_mm.sweep.book.runner import suite_commands, suite_step
    from ftcl_mm.utils.fileio import read_json, write_json

    s = _study('downstream')
    wd = str(tmp_path / 'w')
    store_run(repo, wd, RANDOM, 0)
    [r] = load(repo, [RANDOM], (0,), wd, needs=s.needs)
    assert r.status == 'missing'  # no suite row yet
    cmds = dict(suite_commands(r))
    assert cmds['suite'][0] == 'tools/benchmarks/downstream_suite.py'
    assert cmds['suite'][cmds['suite'].index('--pretrained') + 1] == 'none'
    assert cmds['fine-tune'][:2] == [
        'tools/train.py',
        'configs/benchmarks/classification/tiny/'
        'resnet18w16_finetune_finegrained_tiny.py',
    ]
    # both parts done: the row is merged without running anything
    write_json(osp.join(r.path, 'suite_probe.json'), {'colour_linear': 40.0})
    write_json(
        osp.join(r.path, 'finetune_finegrained', 'metrics.json'),
        {'accuracy/top1': 55.5},
    )
    assert suite_commands(r) == []
    suite_step(ROOT, r)
    row = read_json(osp.join(r.path, 'suite.json'))
    assert row == {'colour_linear': 40.0, 'finegrained_finetune': 55.5}
    [r] = load(repo, [RANDOM], (0,), wd, needs=s.needs)
    assert r.status == CURRENT
