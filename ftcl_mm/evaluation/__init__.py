"""Frozen-backbone evaluation on cached features: weighted kNN, a linear
probe trained on features computed once, the features' effective rank,
the downstream suite (:mod:`.suite`), and telling a collapsing run from
its score statistics (:mod:`.collapse`)."""

from .features import extract_features
from .knn import knn_top1
from .linear_probe import linear_probe_top1
from .rank import effective_rank
from .suite import SUITE_TASKS, evaluate_suite

__all__ = [
    'SUITE_TASKS',
    'evaluate_suite',
    'effective_rank',
    'extract_features',
    'knn_top1',
    'linear_probe_top1',
]
