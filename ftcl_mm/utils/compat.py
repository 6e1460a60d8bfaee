"""Load mmengine checkpoints under ``torch.load(weights_only=True)``.

Since torch 2.6, ``torch.load`` defaults to ``weights_only=True``, which
refuses any global that is not allow-listed. mmengine (0.10.7) calls
``torch.load`` without the argument for resume, ``load_from`` and
``init_cfg=dict(type='Pretrained')``, and its training checkpoints pickle
the message hub's :class:`~mmengine.logging.HistoryBuffer` objects, which
hold numpy arrays and a dict of their statistics functions pickled as
``builtins.getattr(HistoryBuffer, 'mean')``.

We allow-list exactly those globals and nothing else. ``getattr`` itself is
*not* allow-listed: it would let a crafted file walk attribute chains
(``__init__.__globals__`` ...) to arbitrary module globals, i.e. execute
code. Instead, the name ``builtins.getattr`` is bound to
:func:`_history_buffer_getattr`, which only resolves public statistics
methods of ``HistoryBuffer`` and raises for anything else. Safety is never
switched off: a checkpoint with any other foreign object is still refused.

Importing this module applies the allow-list (idempotent);
``import ftcl_mm`` does so for every entry point and config.
"""

from __future__ import annotations

from typing import Any, Callable, List, Tuple, Union

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer

#: Names that ``HistoryBuffer`` pickles through ``getattr``: its built-in
#: statistics methods (mmengine registers exactly these four by default).
_HISTORY_BUFFER_METHODS = frozenset({'min', 'max', 'current', 'mean'})


def _history_buffer_getattr(obj: Any, name: str) -> Callable:
    """Restricted stand-in for ``getattr`` during ``weights_only`` loads.

    Args:
        obj: Must be the ``HistoryBuffer`` class itself.
        name: One of its statistics methods.

    Returns:
        The method.

    Raises:
        pickle.UnpicklingError: for any other object or attribute.
    """
    if obj is HistoryBuffer and name in _HISTORY_BUFFER_METHODS:
        return getattr(HistoryBuffer, name)
    import pickle

    raise pickle.UnpicklingError(
        f'refusing getattr({getattr(obj, "__name__", type(obj).__name__)}, '
        f'{name!r}) in a weights_only checkpoint: only HistoryBuffer '
        f'statistics methods {sorted(_HISTORY_BUFFER_METHODS)} are allowed'
    )


def _numpy_globals() -> List[Union[Callable, Tuple[Callable, str]]]:
    """numpy globals used to pickle arrays and scalars (numpy < 2)."""
    from numpy.core import multiarray

    return [
        (multiarray._reconstruct, 'numpy.core.multiarray._reconstruct'),
        (multiarray.scalar, 'numpy.core.multiarray.scalar'),
        np.ndarray,
        np.dtype,
        # numpy >= 1.25 pickles dtypes of arrays by their concrete class.
        *[
            type(np.dtype(t))
            for t in (np.float64, np.float32, np.int64, np.int32, np.bool_)
        ],
    ]


def mmengine_safe_globals() -> List[Union[Callable, Tuple[Callable, str]]]:
    """Everything an mmengine training checkpoint needs beyond torch's own
    defaults (tensors, OrderedDict, builtin containers)."""
    return [
        HistoryBuffer,
        (_history_buffer_getattr, 'builtins.getattr'),
        *_numpy_globals(),
    ]


def apply() -> None:
    """Register the allow-list with torch (safe to call repeatedly)."""
    torch.serialization.add_safe_globals(mmengine_safe_globals())


apply()
