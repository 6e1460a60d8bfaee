"""mmengine extensions: hooks."""
from .hooks import FeatureTransformHook

__all__ = ['FeatureTransformHook']
