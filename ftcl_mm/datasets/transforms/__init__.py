"""Data transforms registered in mmpretrain."""

from .looc import LooCMultiView, RandomRot90
from .rotation import RotationWithLabel

__all__ = ['LooCMultiView', 'RandomRot90', 'RotationWithLabel']
