"""tools/demo.sh never deletes what it did not create: every check comes
before any write, a folder with other files is refused, and --force
replaces only the demo's own outputs."""

import os

from ..conftest import run_cli


def _user_folder(tmp_path):
    work = tmp_path / 'runs'
    work.mkdir()
    (work / 'epoch_200.pth').write_bytes(b'200 epochs of pretraining')
    (work / 'notes.txt').write_text('do not lose me')
    return work


def _demo(work, env=None, *args):
    return run_cli(
        ['bash', 'tools/demo.sh', *args],
        env={'DEMO_WORK_DIR': str(work), **(env or {})},
        timeout=600,
    )


def _intact(work):
    assert (
        work / 'epoch_200.pth'
    ).read_bytes() == b'200 epochs of pretraining'
    assert (work / 'notes.txt').read_text() == 'do not lose me'


def test_typo_in_config_deletes_nothing(tmp_path):
    work = _user_folder(tmp_path)
    r = _demo(work, {'DEMO_CONFIG': 'configs/selfsup/tiny/typo.py'})
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        'demo.sh: error: DEMO_CONFIG configs/selfsup/tiny/typo.py does not '
        'exist; pick one of configs/selfsup/tiny/'
    ]
    _intact(work)
    assert sorted(os.listdir(work)) == ['epoch_200.pth', 'notes.txt']


def test_folder_with_other_files_refused(tmp_path):
    work = _user_folder(tmp_path)
    for env in ({}, {'DEMO_EPOCHS': '0'}, {'FTCL_THREADS': 'x'}):
        r = _demo(work, env)
        assert r.returncode == 2 and 'demo.sh: error: ' in r.stderr
        _intact(work)
    # Detector iterations: N, or each detector named once with N > 0.
    for bad in ('0', 'voc=160', 'voc=0 coco=5', 'voc=160 coco=128 5'):
        r = _demo(work, {'DEMO_DET_ITERS': bad})
        assert r.returncode == 2
        assert 'DEMO_DET_ITERS must be a positive integer or' in r.stderr
        _intact(work)
    r = _demo(work)
    assert 'holds files the demo did not create' in r.stderr
    assert 'epoch_200.pth' in r.stderr and '--force' in r.stderr
    assert sorted(os.listdir(work)) == ['epoch_200.pth', 'notes.txt']


def test_force_replaces_only_what_the_manifest_lists(tmp_path):
    # A data folder the generator refuses (files it did not write): the
    # demo gets past its clean-up, the step before the data, and stops.
    work = _user_folder(tmp_path)
    data = tmp_path / 'data'
    data.mkdir()
    (data / 'mine.txt').write_text('keep')
    env = {'DEMO_DATA': str(data)}
    # Files named like demo outputs but not in a manifest are the user's:
    # refused, --force or not, nothing deleted.
    (work / 'summary.md').write_text('my own summary')
    (work / 'plots').mkdir()
    r = _demo(work, env, '--force')
    assert r.returncode == 2, r.stderr[-2000:]
    assert 'which the demo did not write' in r.stderr
    assert (work / 'summary.md').read_text() == 'my own summary'
    (work / 'summary.md').unlink()
    (work / 'plots').rmdir()
    # An earlier demo's outputs (listed in its manifest) are replaced; the
    # user's files beside them are kept with --force.
    (work / 'summary.md').write_text('an old demo summary')
    (work / 'plots').mkdir()
    (work / '.ftcl_demo').write_text('summary.md\nplots\n')
    r = _demo(work, env, '--force')
    assert r.returncode == 2, r.stderr[-2000:]
    assert 'holds files that were not generated here' in r.stderr
    assert (data / 'mine.txt').read_text() == 'keep'
    _intact(work)
    assert not (work / 'summary.md').exists() and not (work / 'plots').exists()
    assert (work / '.ftcl_demo').is_file()  # the demo's outputs live here now
