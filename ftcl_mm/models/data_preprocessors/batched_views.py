"""Each view's drawn augmentation applied to the whole batch at once (see
``view_ops.py``): in the data preprocessor (the default), or in the data
worker right after collation (``batched_views_collate``)."""

from __future__ import annotations

from typing import Callable, List, Optional, Sequence

import numpy as np
import torch
from mmengine.dataset import default_collate
from mmengine.registry import FUNCTIONS
from mmpretrain.models.utils.data_preprocessor import (
    SelfSupDataPreprocessor,
)
from mmpretrain.registry import MODELS

from .view_ops import BACKENDS, apply_view_params


def _check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(
            f'view_backend must be one of {BACKENDS}, got {backend!r}'
        )


def drawn_view_params(samples) -> Optional[List[np.ndarray]]:
    """Each sample's ``view_params`` (one row per view), or None for a
    batch without them (validation, other pipelines)."""
    if not samples or 'view_params' not in samples[0]:
        return None
    return [np.asarray(s.view_params) for s in samples]


def augment_views(
    views: Sequence[torch.Tensor],
    params: List[np.ndarray],
    backend: str,
    cast: Callable[[torch.Tensor], torch.Tensor] = lambda v: v,
) -> List[torch.Tensor]:
    """Each view's uint8 batch augmented with its drawn parameters."""
    if not isinstance(views, (list, tuple)) or len(views) != len(params[0]):
        raise ValueError(
            f'view_params has {len(params[0])} views per image, '
            f'the inputs {len(views)}'
        )
    stacked = torch.as_tensor(np.stack(params))  # N x views x P
    return [
        apply_view_params(cast(v), stacked[:, i], backend)
        for i, v in enumerate(views)
    ]


@FUNCTIONS.register_module()
def batched_views_collate(
    data_batch: Sequence[dict], view_backend: str = 'float'
) -> dict:
    """mmengine's ``default_collate``, then the batch's drawn view
    augmentation, in the data worker instead of the main process.

    The same operations on the same drawn parameters as
    :class:`BatchedViewsDataPreprocessor` (tested: equal views), but done
    by the worker while the main process computes the previous step. The
    applied ``view_params`` are removed, so the preprocessor passes the
    batch through. Use it with ``num_workers >= 1`` (in the main process
    it only moves the work).

    Args:
        data_batch: The samples of one batch.
        view_backend: ``'pil'`` or ``'float'``, as the preprocessor's.
    """
    _check_backend(view_backend)
    data = default_collate(data_batch)
    samples = data.get('data_samples')
    params = drawn_view_params(samples)
    if params is None:
        return data
    data['inputs'] = augment_views(data['inputs'], params, view_backend)
    for sample in samples:
        del sample.view_params
    return data


@MODELS.register_module()
class BatchedViewsDataPreprocessor(SelfSupDataPreprocessor):
    """mmpretrain's ``SelfSupDataPreprocessor``, first applying the view
    augmentations that :class:`~ftcl_mm.datasets.transforms.DrawViewParams`
    drew in the data workers (``data_samples[i].view_params``: one row per
    view) to each view's uint8 batch, on the preprocessor's device.
    Batches without ``view_params`` pass through unchanged, so validation
    and other pipelines need nothing else.

    Args:
        view_backend: ``'pil'`` (default; bit-identical to the per-image
            transforms, the results measured before the float path) or
            ``'float'`` (float32 torch throughout, no PIL round trip: the
            tiny regime's; see :mod:`.view_ops`).
        **kwargs: ``SelfSupDataPreprocessor``'s arguments.
    """

    def __init__(self, view_backend: str = 'pil', **kwargs) -> None:
        _check_backend(view_backend)
        super().__init__(**kwargs)
        self.view_backend = view_backend

    def forward(self, data: dict, training: bool = False) -> dict:
        params = drawn_view_params(data.get('data_samples'))
        if params is not None:
            data = dict(
                data,
                inputs=augment_views(
                    data['inputs'], params, self.view_backend, self.cast_data
                ),
            )
        return super().forward(data, training)
