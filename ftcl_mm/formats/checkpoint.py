"""Loading a checkpoint file safely, with one clear line for a bad one.

The one place a checkpoint enters this project: training's ``--resume``,
``--pretrained`` and ``load_from`` checks (:mod:`ftcl_mm.engine.
checkpoint_checks`), the converter (:mod:`.backbone_ckpt`) and the
evaluation tools all load through :func:`load_source`, which uses
``torch.load(weights_only=True)`` only (never the unsafe fallback) and
names a missing, truncated, foreign or non-checkpoint file.
"""

from __future__ import annotations

import os.path as osp
import pickle
import re
import zipfile

import torch

from ..utils.errors import UserInputError


class CheckpointError(UserInputError):
    """A checkpoint file (or converter input) that cannot be used; the
    message says what to do.

    Args:
        message: The whole line.
        reason: What is wrong with the file, without its path or the fix
            (e.g. ``'is truncated (...)'``), for callers that phrase their
            own line around it.
    """

    def __init__(self, message: str, reason: str = '') -> None:
        super().__init__(message)
        self.reason = reason or message


def _unusable(path: str, reason: str, fix: str = '') -> CheckpointError:
    """``<path> <reason>[; <fix>]`` with the reason kept apart."""
    return CheckpointError(
        f'{path} {reason}' + (f'; {fix}' if fix else ''), reason=reason
    )


def load_source(path: str) -> dict:
    """Load a checkpoint safely (weights_only), with a clear error."""
    if not osp.isfile(path):
        raise _unusable(path, 'does not exist')
    with open(path, 'rb') as f:
        magic = f.read(4)
    # torch.save writes a zip archive (or, legacy, a protocol-2 pickle).
    is_zip = zipfile.is_zipfile(path)
    if magic == b'PK\x03\x04' and not is_zip:
        raise _unusable(
            path,
            'is truncated (a zip archive without its end, e.g. from an '
            'interrupted save)',
            'use an earlier checkpoint',
        )
    if not (is_zip or magic[:2] == b'\x80\x02'):
        raise _unusable(
            path,
            'is not a PyTorch checkpoint',
            'pass the .pth file written by training',
        )
    try:
        ckpt = torch.load(path, map_location='cpu', weights_only=True)
    except pickle.UnpicklingError as e:
        found = re.search(r'GLOBAL (\S+)', str(e))
        what = f'the global {found.group(1)}' if found else 'foreign objects'
        raise _unusable(
            path,
            f'contains {what}, which a safe (weights_only) load refuses',
            'convert only checkpoints written by mmengine/ftcl_mm',
        ) from None
    except Exception as e:  # zip/pickle format errors
        raise _unusable(
            path,
            f'is not a PyTorch checkpoint ({type(e).__name__}: {e})'[:280],
        ) from None
    if not isinstance(ckpt, dict):
        raise _unusable(
            path, f'holds a {type(ckpt).__name__}, not a checkpoint dict'
        )
    return ckpt
