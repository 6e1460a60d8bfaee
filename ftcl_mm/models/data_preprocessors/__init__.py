"""Data preprocessors: batched view augmentation (``view_ops.py``), in the
preprocessor or in the data worker (``batched_views_collate``)."""

from .batched_views import BatchedViewsDataPreprocessor, batched_views_collate
from .view_ops import apply_view_params

__all__ = [
    'BatchedViewsDataPreprocessor',
    'batched_views_collate',
    'apply_view_params',
]
