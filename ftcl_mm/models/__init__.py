"""Models: the Feature Transformation module, the algorithms using it and
their sibling methods, and their necks."""
from .algorithms import (BYOLFT, LooC, MoCHi, MoCoFT, SimCLRFT, SimSiamFT,
                         mix_hard_negatives)
from .feature_transform import FeatureTransform
from .necks import LooCNeck

__all__ = [
    'FeatureTransform', 'MoCoFT', 'SimCLRFT', 'SimSiamFT', 'BYOLFT', 'MoCHi',
    'mix_hard_negatives', 'LooC', 'LooCNeck'
]
