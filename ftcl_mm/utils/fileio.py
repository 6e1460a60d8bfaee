"""Writes that are never seen half-done: temp file beside the target, then
``os.replace`` (atomic on POSIX within one file system).

Every file this project writes for users (checkpoints, CSV, JSON, Markdown,
figures, generated datasets) goes through :func:`atomic_path`, so a crash
or ``kill -9`` leaves either the old file or the new one, never a torn one.
"""

from __future__ import annotations

import json
import os
import os.path as osp
import re
import shutil
from contextlib import contextmanager
from typing import IO, Any, Iterator, Optional


def temp_name(path: str) -> str:
    """The temporary sibling :func:`atomic_path` writes ``path`` to:
    hidden, with the writer's pid and ``path``'s extension."""
    root, ext = osp.splitext(osp.basename(path))
    return osp.join(
        osp.dirname(osp.abspath(path)), f'.{root}.tmp{os.getpid()}{ext}'
    )


_TEMP = re.compile(r'^\..+\.tmp(\d+)(\.[^.]*)?$')


def temp_writer_pid(path: str) -> Optional[int]:
    """The pid of the process that writes ``path`` if it is a
    :func:`temp_name` (e.g. left by a writer killed mid-write), else
    None."""
    found = _TEMP.match(osp.basename(path))
    return int(found.group(1)) if found else None


def is_temp_name(path: str) -> bool:
    """Whether ``path`` is such a temporary file; never a finished
    output."""
    return temp_writer_pid(path) is not None


def fsync_file(path: str) -> None:
    """Flush ``path``'s data to disk (for files written by other code)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: str) -> None:
    """Make a rename in directory ``path`` durable (no-op where
    directories cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: str) -> Iterator[str]:
    """Yield a temporary sibling of ``path``; rename it onto ``path`` when
    the block succeeds, delete it when the block raises.

    The temporary name keeps ``path``'s extension, so writers that infer
    the format from it (``savefig``, PIL) work unchanged. A directory may
    be written too: an existing target directory is replaced as a whole.

    Args:
        path: Final file or directory path; its parent is created.
    """
    parent = osp.dirname(osp.abspath(path))
    os.makedirs(parent, exist_ok=True)
    tmp = temp_name(path)
    try:
        yield tmp
        if osp.isdir(tmp) and osp.isdir(path):
            shutil.rmtree(path)
        os.replace(tmp, path)
        fsync_dir(parent)
    except BaseException:
        if osp.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
        elif osp.lexists(tmp):
            os.remove(tmp)
        raise


@contextmanager
def atomic_open(path: str, mode: str = 'w') -> Iterator[IO]:
    """``open(path, mode)`` that becomes visible only once complete (flushed
    and fsync'ed)."""
    with atomic_path(path) as tmp:
        with open(tmp, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())


def write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_open(path) as f:
        f.write(text)


def write_json(path: str, data: Any) -> None:
    """Write ``data`` as indented JSON to ``path`` atomically."""
    write_text(path, json.dumps(data, indent=1))


def read_json(path: str) -> Any:
    """The JSON document at ``path`` (the counterpart of
    :func:`write_json`).

    Raises:
        UserInputError: the file is not valid JSON (damaged outside this
            project: every write here is atomic), naming it and the fix.
    """
    from .errors import UserInputError

    with open(path) as f:
        try:
            return json.load(f)
        except json.JSONDecodeError as e:
            raise UserInputError(
                f'{path} is not valid JSON ({e.msg} at line {e.lineno}; '
                'truncated?); delete it to recompute what it records'
            ) from None
