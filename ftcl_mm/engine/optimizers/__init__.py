"""Optimizer wrapper constructors registered in mmpretrain."""

from .hsg_constructor import HSGOptimWrapperConstructor

__all__ = ['HSGOptimWrapperConstructor']
