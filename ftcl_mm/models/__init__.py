"""Models: the Feature Transformation module, the algorithms using it and
their sibling methods, and their necks."""

from .algorithms import (
    BYOLFT,
    FeatureTransformMixin,
    HSGMoCo,
    HSGSimCLR,
    LooC,
    MoCHi,
    MoCoFT,
    SimCLRFT,
    SimSiamFT,
    mix_hard_negatives,
)
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

__all__ = [
    'FeatureTransform',
    'MoCoFT',
    'SimCLRFT',
    'SimSiamFT',
    'BYOLFT',
    'MoCHi',
    'mix_hard_negatives',
    'LooC',
    'LooCNeck',
    'HSGSimCLR',
    'HSGMoCo',
    'ImageGenerator',
    'PairGenerator',
    'Discriminator',
    'DiffAugment',
    'SimilaritySchedule',
    'FeatureTransformMixin',
    'ScoreRecorder',
]
