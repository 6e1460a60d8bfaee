"""Deliberate intra-op thread counts for every CPU entry point.

torch starts one intra-op thread per core in every process. As soon as two
processes share the cores (two DDP ranks, a study running two trainings
side by side, a test runner and its subprocess), the threads oversubscribe
them: measured on the 2-core machine kind, a demo iteration took 5.3 s with
torch's default and 0.43 s with one thread per process (docs/training.md,
"Threads").
Every tool of this project therefore calls :func:`configure_threads` first.

The count is, in order of precedence:

1. ``$FTCL_THREADS`` (the project's override, e.g. set by
   ``tools/studies/ft_study.py`` for each of its parallel jobs);
2. ``$OMP_NUM_THREADS`` if the user (or torchrun) set it;
3. usable cores // processes sharing them, where processes is the
   argument or, under torchrun, ``$LOCAL_WORLD_SIZE``.
"""

from __future__ import annotations

import os
from typing import Optional

ENV = 'FTCL_THREADS'


def usable_cores() -> int:
    """Cores this process may run on (its affinity mask, else all)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def _env_int(name: str) -> Optional[int]:
    value = os.environ.get(name, '').strip()
    if not value:
        return None
    try:
        n = int(value)
    except ValueError:
        raise ValueError(
            f'${name}={value!r} is not an integer; set it to '
            'a number of threads (>= 1) or unset it'
        ) from None
    if n < 1:
        raise ValueError(f'${name}={n} must be >= 1')
    return n


def default_threads(processes: Optional[int] = None) -> int:
    """The thread count :func:`configure_threads` would set.

    Args:
        processes: Processes that share the cores; default
            ``$LOCAL_WORLD_SIZE`` (torchrun) or 1.

    Raises:
        ValueError: ``$FTCL_THREADS`` or ``$OMP_NUM_THREADS`` is not a
            positive integer.
    """
    for name in (ENV, 'OMP_NUM_THREADS'):
        n = _env_int(name)
        if n is not None:
            return n
    if processes is None:
        processes = _env_int('LOCAL_WORLD_SIZE') or 1
    return max(1, usable_cores() // max(1, processes))


def configure_threads(processes: Optional[int] = None) -> int:
    """Set torch's intra-op threads (see the module docstring) and export
    the count as ``$OMP_NUM_THREADS`` for child processes.

    Returns:
        The number of threads set.
    """
    import torch

    n = default_threads(processes)
    torch.set_num_threads(n)
    os.environ['OMP_NUM_THREADS'] = str(n)
    return n
