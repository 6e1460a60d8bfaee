"""Data preprocessors: batched view augmentation (``view_ops.py``)."""

from .batched_views import BatchedViewsDataPreprocessor
from .view_ops import apply_view_params

__all__ = ['BatchedViewsDataPreprocessor', 'apply_view_params']
