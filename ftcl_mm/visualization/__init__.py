"""Score-distribution plots (the FT paper's figures)."""
from .score_plots import NoStatsError, load_run, plot_runs

__all__ = ['NoStatsError', 'load_run', 'plot_runs']
