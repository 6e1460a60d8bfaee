"""mmengine extensions: hooks and optimizer wrapper constructors."""
from .hooks import (FeatureTransformHook, HSGSamplesHook, ScoreRecorder,
                    ScoreStatsHook)
from .optimizers import HSGOptimWrapperConstructor

__all__ = [
    'FeatureTransformHook', 'ScoreStatsHook', 'ScoreRecorder',
    'HSGSamplesHook', 'HSGOptimWrapperConstructor'
]
