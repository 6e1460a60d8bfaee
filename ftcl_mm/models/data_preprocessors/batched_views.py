"""SelfSupDataPreprocessor that applies each view's drawn augmentation to
the whole batch at once (see ``view_ops.py``)."""

from __future__ import annotations

from typing import Optional

import numpy as np
import torch
from mmpretrain.models.utils.data_preprocessor import (
    SelfSupDataPreprocessor,
)
from mmpretrain.registry import MODELS

from .view_ops import BACKENDS, apply_view_params


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
        if view_backend not in BACKENDS:
            raise ValueError(
                f'view_backend must be one of {BACKENDS}, got {view_backend!r}'
            )
        super().__init__(**kwargs)
        self.view_backend = view_backend

    def forward(self, data: dict, training: bool = False) -> dict:
        params = self._view_params(data.get('data_samples'))
        if params is not None:
            views = data['inputs']
            if not isinstance(views, (list, tuple)) or len(views) != len(
                params[0]
            ):
                raise ValueError(
                    f'view_params has {len(params[0])} views per image, '
                    f'the inputs {len(views)}'
                )
            stacked = torch.as_tensor(np.stack(params))  # N x views x P
            data = dict(
                data,
                inputs=[
                    apply_view_params(
                        self.cast_data(v), stacked[:, i], self.view_backend
                    )
                    for i, v in enumerate(views)
                ],
            )
        return super().forward(data, training)

    @staticmethod
    def _view_params(samples) -> Optional[list]:
        if not samples or 'view_params' not in samples[0]:
            return None
        return [np.asarray(s.view_params) for s in samples]
