from .feature_transform_hook import FeatureTransformHook
from .hsg_samples_hook import HSGSamplesHook
from .online_knn_hook import OnlineKNNHook
from .score_stats_hook import ScoreStatsCollector, ScoreStatsHook
from .skipped_images_hook import SkippedImagesHook
from .training_guard_hook import TrainingGuardHook

__all__ = [
    'FeatureTransformHook',
    'ScoreStatsHook',
    'ScoreStatsCollector',
    'HSGSamplesHook',
    'OnlineKNNHook',
    'SkippedImagesHook',
    'TrainingGuardHook',
]
