"""Score-distribution plots (the FT paper's figures) and generated-sample
grids (Hard Sample Generation), bar charts of sweeps over seeds."""

from .sample_grid import sample_grid, save_png
from .score_plots import NoStatsError, load_run, plot_runs
from .study_plots import plot_accuracy_bars, plot_learning_curves

__all__ = [
    'NoStatsError',
    'load_run',
    'plot_accuracy_bars',
    'plot_learning_curves',
    'plot_runs',
    'sample_grid',
    'save_png',
]
