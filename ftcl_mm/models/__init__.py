"""Models: the Feature Transformation module, the algorithms using it and
their sibling methods, and their necks."""

from . import algorithms
from .algorithms import *  # noqa: F401,F403  (as mmpretrain.models)
from .data_preprocessors import BatchedViewsDataPreprocessor
from .feature_transform import FeatureTransform
from .generators import (
    DiffAugment,
    Discriminator,
    ImageGenerator,
    PairGenerator,
    SimilaritySchedule,
)
from .necks import LooCNeck
from .score_stats import ScoreRecorder
from .split_batch_norm import SplitBatchNorm

__all__ = algorithms.__all__ + [
    'BatchedViewsDataPreprocessor',
    'FeatureTransform',
    'LooCNeck',
    'ImageGenerator',
    'PairGenerator',
    'Discriminator',
    'DiffAugment',
    'SimilaritySchedule',
    'ScoreRecorder',
    'SplitBatchNorm',
]
