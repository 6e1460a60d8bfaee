"""Sweeps over seeds and settings: one launcher (resume, side by side,
threads, progress) and one set of statistics (mean +- std, paired gains)
for the study and benchmark tools (ft_study.py, momentum_study.py,
run_seeds.py)."""

from .launcher import (
    RunFailed,
    Sweep,
    SweepJob,
    ToolCalls,
    fmt_duration,
    usable_parallelism,
)
from .stats import (
    aggregate,
    fmt_stat,
    mean_std,
    paired_gain,
    tail_means,
    verdict,
)

__all__ = [
    'RunFailed',
    'Sweep',
    'SweepJob',
    'ToolCalls',
    'aggregate',
    'fmt_duration',
    'fmt_stat',
    'mean_std',
    'paired_gain',
    'tail_means',
    'usable_parallelism',
    'verdict',
]
