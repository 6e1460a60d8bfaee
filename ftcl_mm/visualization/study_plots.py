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


def plot_learning_curves(
    curves: Dict[str, Dict[int, Dict[int, float]]],
    out: str,
    title: str = 'online kNN top-1 (held-out)',
    marks: Optional[Dict[str, Sequence[int]]] = None,
) -> Optional[str]:
    """Accuracy over epochs, one line per group (mean over its seeds, the
    seeds' range shaded); ``marks``: epochs to tick on a group's line
    (e.g. when its FT started). Writes ``out + '.png'``.

    Args:
        curves: ``{group: {seed: {epoch: top-1}}}``.
        out: Output path without extension.
        title: Axes title.
        marks: ``{group: [epoch, ...]}``.
    """
    from matplotlib.figure import Figure

    groups = {g: s for g, s in curves.items() if any(s.values())}
    if not groups:
        return None
    fig = Figure(figsize=(7.5, 4.2))
    ax = fig.subplots()
    for i, (group, seeds) in enumerate(groups.items()):
        epochs = sorted({e for c in seeds.values() for e in c})
        rows = [[c[e] for c in seeds.values() if e in c] for e in epochs]
        mean = [sum(r) / len(r) for r in rows]
        color = f'C{i % 10}'
        ax.plot(epochs, mean, marker='o', ms=3, color=color, label=group)
        ax.fill_between(
            epochs,
            [min(r) for r in rows],
            [max(r) for r in rows],
            color=color,
            alpha=0.12,
        )
        for m in (marks or {}).get(group, ()):
            ax.axvline(m, color=color, ls=':', lw=1)
    ax.set_xlabel('epoch')
    ax.set_ylabel('kNN top-1 (%)')
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    path = f'{out}.png'
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=120)
    return path
