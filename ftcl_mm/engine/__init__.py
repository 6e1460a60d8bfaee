"""mmengine extensions: the runner with atomic checkpoints, hooks, optimizer
wrapper constructors and CPU model wrappers."""

from .config_check import check_config
from .hooks import (
    FeatureTransformHook,
    HSGSamplesHook,
    ScoreStatsCollector,
    ScoreStatsHook,
)
from .model_wrappers import (
    CPUDistributedDataParallel,
    CPUSeparateDistributedDataParallel,
    setup_cpu_distributed,
)
from .optimizers import HSGOptimWrapperConstructor
from .runner import AtomicCheckpointRunner

__all__ = [
    'AtomicCheckpointRunner',
    'check_config',
    'FeatureTransformHook',
    'ScoreStatsHook',
    'ScoreStatsCollector',
    'HSGSamplesHook',
    'HSGOptimWrapperConstructor',
    'CPUDistributedDataParallel',
    'CPUSeparateDistributedDataParallel',
    'setup_cpu_distributed',
]
