"""Frozen-backbone evaluation on cached features: weighted kNN and a
linear probe trained on features computed once."""

from .features import extract_features
from .knn import knn_top1
from .linear_probe import linear_probe_top1

__all__ = ['extract_features', 'knn_top1', 'linear_probe_top1']
