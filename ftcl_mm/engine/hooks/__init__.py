from .feature_transform_hook import FeatureTransformHook

__all__ = ['FeatureTransformHook']
