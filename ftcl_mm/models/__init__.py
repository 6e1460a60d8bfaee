"""Models: the Feature Transformation module and the algorithms using it."""
from .algorithms import BYOLFT, MoCoFT, SimCLRFT, SimSiamFT
from .feature_transform import FeatureTransform

__all__ = ['FeatureTransform', 'MoCoFT', 'SimCLRFT', 'SimSiamFT', 'BYOLFT']
