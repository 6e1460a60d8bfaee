"""Config files parsed safely from several threads.

mmengine's ``Config.fromfile`` is not thread safe: resolving a base config
asks ``pkg_resources`` whether a package is installed, and two threads doing
that at once fail with ``TypeError: ('Expected str, Requirement, or
Distribution', ...)``. The sweep runner hashes each finished run's recipe in
its own thread, so two runs finishing in the same second lost one result
to it (reproduced with three threads parsing tiny configs). Every parse in
a process goes through one lock instead.
"""

from __future__ import annotations

import threading

_LOCK = threading.Lock()


def load_config(path: str):
    """``mmengine.config.Config.fromfile(path)``, one thread at a time."""
    from mmengine.config import Config

    with _LOCK:
        return Config.fromfile(path)
