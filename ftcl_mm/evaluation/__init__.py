"""Frozen-backbone evaluation on cached features: weighted kNN, a linear
probe trained on features computed once, and the features' effective
rank."""

from .features import extract_features
from .knn import knn_top1
from .linear_probe import linear_probe_top1
from .rank import effective_rank

__all__ = [
    'effective_rank',
    'extract_features',
    'knn_top1',
    'linear_probe_top1',
]
