"""Sweeps over seeds and settings: one launcher (resume, side by side,
threads, progress), one pretrain -> convert -> probe pipeline and one set
of statistics (mean +- std, paired gains) for the study and benchmark
tools (ft_study.py, ft_fair_test.py, tiny_det_table.py, momentum_study.py,
run_seeds.py); the FT study (``ft_study``), the protocols of the FT
ablations and the fair test, the detection table (``det_table``), the
momentum study (``momentum``), and the book of every published study
(``book``)."""

from .launcher import (
    RunFailed,
    Sweep,
    SweepJob,
    ToolCalls,
    fmt_duration,
    usable_parallelism,
)
from .pipeline import BackbonePipeline
from .stats import (
    aggregate,
    fmt_stat,
    mean_std,
    metric_stats,
    paired_gain,
    se_verdict,
    tail_means,
    verdict,
)

__all__ = [
    'BackbonePipeline',
    'RunFailed',
    'Sweep',
    'SweepJob',
    'ToolCalls',
    'aggregate',
    'fmt_duration',
    'fmt_stat',
    'mean_std',
    'metric_stats',
    'paired_gain',
    'se_verdict',
    'tail_means',
    'usable_parallelism',
    'verdict',
]
