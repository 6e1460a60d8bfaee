"""A training's work dir: writable, never shared, never silently reused.

mmengine writes into whatever ``work_dir`` it is given: a second run in the
folder of a finished one truncates its ``score_stats.csv``, repoints
``last_checkpoint`` and, through the checkpoint hook's ``max_keep_ckpts``,
deletes the first run's checkpoints; two runs at once interleave rows.
So a folder that holds a run is only entered with ``--resume`` (continue
it) or ``--new-run`` (a fresh timestamped subfolder beside what is there),
and a lock file held for the life of the process keeps a second training
out while one runs.
"""

from __future__ import annotations

import fcntl
import glob
import os
import os.path as osp
import time
from typing import IO, List, Optional

from ..utils.errors import ConfigError
from ..utils.fileio import is_temp_name

#: The lock file a running training holds (its pid inside).
LOCK_NAME = '.ftcl_train.lock'
#: Files that only a training writes into its work dir.
_RUN_FILES = ('last_checkpoint', 'score_stats.csv')

# The open lock of this process (kept so that it lives as long as we do).
_held: Optional[IO[str]] = None


def check_work_dir(work_dir: str) -> None:
    """The work dir is, or can be created as, a directory this process can
    write to. Nothing is created here: a run refused later by another
    check leaves no empty work dir behind.

    Raises:
        ConfigError: it is a file, or cannot be created or written.
    """
    if osp.exists(work_dir) and not osp.isdir(work_dir):
        raise ConfigError(
            f"work dir '{work_dir}' is a file; pass a directory with "
            '--work-dir DIR'
        )
    existing = osp.abspath(work_dir)
    while not osp.exists(existing):
        existing = osp.dirname(existing)
    if not osp.isdir(existing):
        raise ConfigError(
            f"cannot create work dir '{work_dir}': {existing} is a file; "
            'pass a directory with --work-dir DIR'
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        what = (
            'is not writable'
            if existing == osp.abspath(work_dir)
            else (f'cannot be created in {existing} (not writable)')
        )
        raise ConfigError(
            f"work dir '{work_dir}' {what}; pass a writable directory "
            'with --work-dir DIR'
        )
    # Checked here, not at the first log line: mmengine creates
    # <work_dir>/<timestamp>/vis_data/... below it.
    longest = max(
        len(name) for name in osp.abspath(work_dir).split(os.sep) or ['']
    )
    limit = os.pathconf(existing, 'PC_NAME_MAX')
    if longest > limit:
        raise ConfigError(
            f'work dir name is {longest} characters long, the file system '
            f'allows {limit} per folder name; pass a shorter --work-dir'
        )


def run_files(work_dir: str) -> List[str]:
    """What an earlier training left in ``work_dir`` (checkpoints,
    ``last_checkpoint``, ``score_stats.csv``), sorted."""
    if not osp.isdir(work_dir):
        return []
    found = [
        p
        for p in glob.glob(osp.join(work_dir, '*.pth'))
        if osp.isfile(p) and not is_temp_name(p)
    ]
    found += [
        osp.join(work_dir, n)
        for n in _RUN_FILES
        if osp.isfile(osp.join(work_dir, n))
    ]
    return sorted(found)


def new_run_dir(work_dir: str) -> str:
    """A fresh ``<work_dir>/run_<YYYYmmdd_HHMMSS>[_N]`` (not created)."""
    base = osp.join(work_dir, time.strftime('run_%Y%m%d_%H%M%S'))
    path, n = base, 1
    while osp.exists(path):
        path, n = f'{base}_{n}', n + 1
    return path


def check_reuse(work_dir: str, resume: Optional[str], new_run: bool) -> str:
    """The work dir this training writes into.

    Args:
        work_dir: ``--work-dir`` (or the config's).
        resume: ``--resume`` (``'auto'`` or a path) or None.
        new_run: ``--new-run``: start beside an earlier run, in a fresh
            timestamped subfolder.

    Returns:
        ``work_dir``, or the new subfolder with ``new_run``.

    Raises:
        ConfigError: ``work_dir`` holds a run and neither flag says what to
            do with it, or both flags are given.
    """
    if new_run and resume is not None:
        raise ConfigError(
            '--new-run starts afresh and --resume continues a run; pass one'
        )
    if new_run:
        return new_run_dir(work_dir)
    found = run_files(work_dir)
    if found and resume is None:
        names = ', '.join(osp.basename(p) for p in found[:3])
        raise ConfigError(
            f'work dir {work_dir} already holds a run ({names}); continue '
            'it with --resume, start another beside it with --new-run, or '
            'pass another --work-dir (a second run here would truncate its '
            'score_stats.csv and delete its checkpoints)'
        )
    return work_dir


def lock_work_dir(work_dir: str) -> None:
    """Hold ``<work_dir>/.ftcl_train.lock`` until this process ends.

    The kernel drops an ``flock`` when its holder dies (also on kill -9),
    so a crashed run never leaves a stale lock. Only rank 0 locks: the
    ranks of one distributed run share the work dir.

    Raises:
        ConfigError: another process holds it.
    """
    global _held
    if int(os.environ.get('RANK', '0')) != 0 or _held is not None:
        return
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, LOCK_NAME)
    f = open(path, 'a+')
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.seek(0)
        pid = f.read().strip() or '?'
        f.close()
        raise ConfigError(
            f'another training (pid {pid}) is running in {work_dir}; wait '
            'for it to end or pass another --work-dir'
        ) from None
    f.seek(0)
    f.truncate()
    f.write(f'{os.getpid()}\n')
    f.flush()
    _held = f
