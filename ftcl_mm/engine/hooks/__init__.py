from .feature_transform_hook import FeatureTransformHook
from .score_stats_hook import ScoreRecorder, ScoreStatsHook

__all__ = ['FeatureTransformHook', 'ScoreStatsHook', 'ScoreRecorder']
