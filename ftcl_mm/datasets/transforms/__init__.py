"""Data transforms registered in mmpretrain."""

from .looc import LooCMultiView, RandomRot90
from .rotation import RotationWithLabel
from .view_params import DrawViewParams, MultiViewWithParams

__all__ = [
    'DrawViewParams',
    'LooCMultiView',
    'MultiViewWithParams',
    'RandomRot90',
    'RotationWithLabel',
]
