"""The work dir of a training: a finished run is never overwritten, two
trainings never share one."""

import os.path as osp
import subprocess
import sys
import textwrap

import pytest

from ftcl_mm.engine import work_dir as wd
from ftcl_mm.utils.errors import ConfigError


def test_a_run_is_entered_only_with_resume_or_new_run(tmp_path):
    work = str(tmp_path / 'w')
    assert wd.check_reuse(work, None, False) == work  # nothing there yet
    (tmp_path / 'w').mkdir()
    (tmp_path / 'w' / '20261207_010203').mkdir()  # logs only: no run
    assert wd.check_reuse(work, None, False) == work
    (tmp_path / 'w' / 'score_stats.csv').write_text('iter\n1\n')
    with pytest.raises(ConfigError, match=r'holds a run \(score_stats.csv\)'):
        wd.check_reuse(work, None, False)
    assert wd.check_reuse(work, 'auto', False) == work
    fresh = wd.check_reuse(work, None, True)
    assert osp.dirname(fresh) == work
    assert osp.basename(fresh).startswith('run_') and not osp.exists(fresh)
    # A second --new-run in the same second gets its own folder.
    (tmp_path / 'w' / osp.basename(fresh)).mkdir()
    assert wd.new_run_dir(work) != fresh
    # A hidden temp file of an interrupted save is no run.
    other = tmp_path / 'o'
    other.mkdir()
    (other / '.epoch_1.pth.tmp').write_bytes(b'x')
    assert wd.run_files(str(other)) == []


def test_a_second_training_is_locked_out(tmp_path):
    work = str(tmp_path / 'w')
    holder = subprocess.Popen(
        [
            sys.executable,
            '-c',
            textwrap.dedent(
                f"""
                import sys, time
                from ftcl_mm.engine.work_dir import lock_work_dir
                lock_work_dir({work!r})
                print('locked', flush=True)
                sys.stdin.read()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == 'locked'
        with pytest.raises(ConfigError) as e:
            wd.lock_work_dir(work)
        assert str(e.value) == (
            f'another training (pid {holder.pid}) is running in {work}; '
            'wait for it to end or pass another --work-dir'
        )
    finally:
        holder.communicate('')
    # The holder ended (here: normally; kill -9 alike): the lock is free.
    wd.lock_work_dir(work)
    assert wd._held is not None
    wd._held.close()  # let go: this test process lives on
    wd._held = None


def test_a_name_longer_than_the_file_system_allows(tmp_path):
    with pytest.raises(ConfigError, match='characters long, the file system'):
        wd.check_work_dir(str(tmp_path / ('x' * 300)))
