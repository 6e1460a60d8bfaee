"""Score-distribution plots (the FT paper's figures) and generated-sample
grids (Hard Sample Generation)."""

from .sample_grid import sample_grid, save_png
from .score_plots import NoStatsError, load_run, plot_runs

__all__ = ['NoStatsError', 'load_run', 'plot_runs', 'sample_grid', 'save_png']
