"""Necks registered in mmpretrain."""

from .looc_neck import LooCNeck

__all__ = ['LooCNeck']
