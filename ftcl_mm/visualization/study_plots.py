"""Bar charts of a sweep's summary: mean +- std per group over seeds."""

from __future__ import annotations

from typing import Dict, Optional, Sequence

from ..utils.fileio import atomic_path


def plot_accuracy_bars(
    summary: Dict[str, Dict],
    out: str,
    metrics: Sequence[str] = ('knn_top1', 'linear_top1'),
    floor: str = 'random/init',
    highlight: Optional[str] = '/base',
    ylabel: str = '{} top-1 (%)',
) -> Optional[str]:
    """One panel per metric: a bar (mean +- std) per group, the ``floor``
    group (random init) as a dashed line; groups ending in ``highlight``
    grey, the others blue. Writes ``out + '.png'`` (None: nothing to plot).

    Args:
        summary: :func:`ftcl_mm.sweep.aggregate`'s output.
        out: Path without the extension.
        metrics: Metrics to plot (those no group has are skipped).
        floor: Group drawn as a line instead of a bar.
        highlight: Suffix of the baseline groups (None: all blue).
        ylabel: Y label; ``{}`` is the metric's name.
    """
    from matplotlib.figure import Figure

    metrics = [m for m in metrics if any(m in e for e in summary.values())]
    keys = [k for k in summary if k != floor]
    if not metrics or not keys:
        return None
    fig = Figure(figsize=(len(metrics) * (0.55 * len(keys) + 1.8), 3.8))
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    for ax, metric in zip(axes, metrics):
        vals = [summary[k].get(metric, {}) for k in keys]
        ax.bar(
            range(len(keys)),
            [v.get('mean', 0) for v in vals],
            yerr=[v.get('std', 0) for v in vals],
            capsize=3,
            color=[
                '#7f7f7f' if highlight and k.endswith(highlight) else '#1f77b4'
                for k in keys
            ],
        )
        low = summary.get(floor, {}).get(metric)
        if low:
            ax.axhline(
                low['mean'],
                color='#d62728',
                ls='--',
                label=f'{floor.split("/")[0]} init {low["mean"]:.1f}',
            )
            ax.legend(loc='lower right', fontsize=8)
        name = metric.split('_')[0]
        ax.set_xticks(range(len(keys)))
        ax.set_xticklabels(keys, rotation=45, ha='right', fontsize=8)
        ax.set_ylabel(ylabel.format(name))
        ax.set_title(f'{name} (mean ± std over seeds)', fontsize=9)
    fig.tight_layout()
    path = f'{out}.png'
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=120)
    return path
