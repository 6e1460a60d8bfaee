"""mmengine extensions: hooks."""
from .hooks import FeatureTransformHook, ScoreRecorder, ScoreStatsHook

__all__ = ['FeatureTransformHook', 'ScoreStatsHook', 'ScoreRecorder']
