"""The FT paper's figures from ``score_stats.csv`` files.

* :func:`plot_curves` (paper Fig. 3): variance of negative scores, mean of
  negative scores and mean of positive scores over iterations, one line per
  run; solid lines are the scores the loss saw (after FT), dashed lines the
  scores before FT where they differ.
* :func:`plot_waterfall` (Fig. 5): the same three statistics as a 3D
  waterfall across runs.
* :func:`plot_grad_landscape` (Fig. 4): the backbone gradient L2 norm over
  iterations across runs as a 3D surface (a line for a single run); a
  collapsing run (e.g. MoCo momentum 0.5) stands out as a ridge.

Each figure is written as PNG and PDF, atomically. Figures are drawn with
matplotlib's object API (``matplotlib.figure.Figure``), never pyplot, so
importing or using this module selects no backend and leaves the caller's
matplotlib state (e.g. a notebook's) untouched.
"""

from __future__ import annotations

import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from mpl_toolkits.mplot3d import Axes3D  # noqa: F401  (registers '3d')

from ..formats.score_csv import read_rows
from ..utils.fileio import atomic_path

#: One run's statistics: column name -> values per iteration.
Run = Dict[str, np.ndarray]

STATS_FILE = 'score_stats.csv'
PANELS = (
    ('neg_var', 'variance of negative scores'),
    ('neg_mean', 'mean of negative scores'),
    ('pos_mean', 'mean of positive scores'),
)


class NoStatsError(FileNotFoundError):
    """A run directory without score statistics."""


def load_run(run_dir: str) -> Dict[str, np.ndarray]:
    """Columns of ``run_dir/score_stats.csv`` as arrays.

    Raises:
        NoStatsError: no statistics file, or one without rows.
    """
    path = (
        run_dir if run_dir.endswith('.csv') else osp.join(run_dir, STATS_FILE)
    )
    if not osp.isfile(path):
        raise NoStatsError(
            f'{run_dir} has no {STATS_FILE}; train with ScoreStatsHook (in '
            'every selfsup config of ftcl_mm) to record score statistics'
        )
    rows = read_rows(path)
    if not rows:
        raise NoStatsError(f'{path} has no recorded iterations yet')
    return {k: np.array([r[k] for r in rows], dtype=float) for k in rows[0]}


def smooth(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing moving average ignoring NaNs (window 1: unchanged)."""
    if window <= 1:
        return values
    valid = ~np.isnan(values)
    v = np.where(valid, values, 0.0)
    kernel = np.ones(window)
    num = np.convolve(v, kernel)[: len(v)]
    den = np.convolve(valid.astype(float), kernel)[: len(v)]
    with np.errstate(invalid='ignore', divide='ignore'):
        return np.where(den > 0, num / np.maximum(den, 1), np.nan)


#: PDF metadata without a creation date, so that a figure regenerated from
#: the same data is the same file (reports are regenerated and committed).
PDF_METADATA = {'CreationDate': None}


def _save(fig, out_prefix: str) -> List[str]:
    paths = []
    for ext in ('png', 'pdf'):
        path = f'{out_prefix}.{ext}'
        with atomic_path(path) as tmp:
            fig.savefig(
                tmp,
                dpi=120,
                bbox_inches='tight',
                metadata=PDF_METADATA if ext == 'pdf' else None,
            )
        paths.append(path)
    return paths


def _colors(n: int):
    return matplotlib.colormaps['viridis' if n > 10 else 'tab10'](
        np.linspace(0, 1, n) if n > 10 else np.arange(n)
    )


def plot_curves(
    runs: Sequence[Run],
    labels: Sequence[str],
    out_prefix: str,
    window: int = 1,
) -> List[str]:
    """Paper Fig. 3: one panel per statistic, one line per run."""
    fig = Figure(figsize=(15, 4))
    axes = fig.subplots(1, 3)
    for run, label, color in zip(runs, labels, _colors(len(runs))):
        for ax, (key, _) in zip(axes, PANELS):
            after = smooth(run[f'{key}_ft'], window)
            before = smooth(run[key], window)
            ax.plot(run['iter'], after, color=color, label=label, lw=1.3)
            if not np.allclose(after, before, equal_nan=True):
                ax.plot(
                    run['iter'],
                    before,
                    color=color,
                    ls='--',
                    lw=0.8,
                    alpha=0.7,
                )
    for ax, (_, title) in zip(axes, PANELS):
        ax.set_title(title)
        ax.set_xlabel('iteration')
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle(
        'score statistics (solid: after FT, as seen by the loss; '
        'dashed: before FT)',
        fontsize=10,
    )
    return _save(fig, out_prefix)


def plot_waterfall(
    runs: Sequence[Run],
    labels: Sequence[str],
    out_prefix: str,
    window: int = 1,
) -> List[str]:
    """Paper Fig. 5: the three statistics as 3D waterfalls across runs."""
    fig = Figure(figsize=(16, 5))
    for p, (key, title) in enumerate(PANELS):
        ax = fig.add_subplot(1, 3, p + 1, projection='3d')
        for i, (run, color) in enumerate(zip(runs, _colors(len(runs)))):
            z = smooth(run[f'{key}_ft'], window)
            ax.plot(run['iter'], np.full_like(z, i), z, color=color, lw=1.2)
        ax.set_yticks(range(len(runs)))
        ax.set_yticklabels(labels, fontsize=7)
        ax.set_xlabel('iteration')
        ax.set_title(title, fontsize=10)
    return _save(fig, out_prefix)


def plot_grad_landscape(
    runs: Sequence[Run],
    labels: Sequence[str],
    out_prefix: str,
    window: int = 1,
) -> List[str]:
    """Paper Fig. 4: gradient-norm landscape over iterations and runs."""
    fig = Figure(figsize=(8, 6))
    if len(runs) == 1:
        ax = fig.add_subplot(1, 1, 1)
        ax.plot(runs[0]['iter'], smooth(runs[0]['grad_norm'], window))
        ax.set_xlabel('iteration')
        ax.set_ylabel('backbone gradient L2 norm')
        ax.set_title(f'gradient norm: {labels[0]}')
    else:
        lo = max(r['iter'].min() for r in runs)
        hi = min(r['iter'].max() for r in runs)
        if hi <= lo:  # runs do not overlap: fall back to each run's span
            lo = min(r['iter'].min() for r in runs)
            hi = max(r['iter'].max() for r in runs)
        grid = np.linspace(lo, hi, 200)
        z = np.stack(
            [
                np.interp(
                    grid,
                    r['iter'],
                    np.nan_to_num(smooth(r['grad_norm'], window)),
                )
                for r in runs
            ]
        )
        x, y = np.meshgrid(grid, np.arange(len(runs)))
        ax = fig.add_subplot(1, 1, 1, projection='3d')
        ax.plot_surface(
            x, y, z, cmap='viridis', linewidth=0, antialiased=True, alpha=0.9
        )
        ax.set_yticks(range(len(runs)))
        ax.set_yticklabels(labels, fontsize=7)
        ax.set_xlabel('iteration')
        ax.set_zlabel('gradient L2 norm')
        ax.set_title('gradient-norm landscape')
    return _save(fig, out_prefix)


def plot_runs(
    run_dirs: Sequence[str],
    out_dir: str,
    labels: Optional[Sequence[str]] = None,
    window: int = 1,
) -> List[str]:
    """All three figures for the given runs; returns the written paths.

    Raises:
        NoStatsError: a run has no statistics.
        ValueError: ``labels`` does not match the runs.
    """
    runs = [load_run(d) for d in run_dirs]
    if labels is None:
        labels = [osp.basename(osp.normpath(d)) for d in run_dirs]
    if len(labels) != len(runs):
        raise ValueError(f'{len(labels)} labels for {len(runs)} runs')
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    paths += plot_curves(
        runs, labels, osp.join(out_dir, 'score_curves'), window
    )
    paths += plot_waterfall(
        runs, labels, osp.join(out_dir, 'score_waterfall'), window
    )
    paths += plot_grad_landscape(
        runs, labels, osp.join(out_dir, 'grad_landscape'), window
    )
    return paths
