"""Statistics of a sweep over seeds: mean +- std, gains paired by seed,
the verdict of a gain, and the tail of a run's score statistics."""

from __future__ import annotations

import math
import statistics
from typing import Dict, Iterable, Mapping, Optional, Sequence, Tuple


def mean_std(values: Sequence[float]) -> Dict:
    """``{mean, std, n}``; the sample std (0 for one value)."""
    values = list(values)
    return dict(
        mean=statistics.fmean(values),
        std=statistics.stdev(values) if len(values) > 1 else 0.0,
        n=len(values),
    )


def paired_gain(
    values: Mapping[int, float], base: Mapping[int, float]
) -> Optional[Dict]:
    """Mean +- std of ``values[s] - base[s]`` over the seeds ``s`` both
    have (None if none): the seed's own noise cancels, which the
    difference of two means with a pooled std would not."""
    gains = [v - base[s] for s, v in values.items() if s in base]
    return mean_std(gains) if gains else None


def verdict(gain: Optional[Dict]) -> str:
    """``gain > 1 std``, ``loss > 1 std``, ``within 1 std``; ``-`` with
    fewer than two seeds (no std to compare with)."""
    if not gain or gain['n'] < 2:
        return '-'
    if abs(gain['mean']) <= gain['std']:
        return 'within 1 std'
    return 'gain > 1 std' if gain['mean'] > 0 else 'loss > 1 std'


def se_verdict(gain: Optional[Dict]) -> Tuple[str, Optional[float]]:
    """The protocol's rule on a paired gain: ``(verdict, 2 SE)``.

    SE = std / sqrt(n); *gain* if mean - 2 SE > 0, *loss* if mean + 2 SE
    < 0, else *no detectable effect*; ``'-'`` with fewer than two seeds.
    """
    if not gain or gain['n'] < 2:
        return '-', None
    mde = 2 * gain['std'] / math.sqrt(gain['n'])
    if gain['mean'] - mde > 0:
        return 'gain', mde
    if gain['mean'] + mde < 0:
        return 'loss', mde
    return 'no detectable effect', mde


def fmt_stat(stat: Optional[Dict], signed: bool = False) -> str:
    """``12.34 ± 0.56`` (``+12.34 ± 0.56`` signed), ``-`` for none."""
    if not stat:
        return '-'
    sign = '+' if signed else ''
    return f'{stat["mean"]:{sign}.2f} ± {stat["std"]:.2f}'


def metric_stats(per_seed: Mapping[int, Mapping[str, float]]) -> Dict:
    """``{metric: {mean, std, n, values}}`` over the seeds that reported
    it (``per_seed``: seed -> that seed's final metrics)."""
    names = sorted({k for m in per_seed.values() for k in m})
    out = {}
    for name in names:
        vals = [m[name] for m in per_seed.values() if name in m]
        out[name] = dict(mean_std(vals), values=vals)
    return out


def aggregate(
    results: Iterable[Dict],
    group: Sequence[str],
    metrics: Sequence[str],
    base: Optional[Mapping[str, str]] = None,
) -> Dict[str, Dict]:
    """Mean +- std of each metric per group, and paired gains over a base.

    Args:
        results: One dict per run with a ``seed``, the ``group`` keys and
            (some of) the ``metrics``.
        group: Keys whose values name a group, joined by ``/`` (e.g.
            ``('method', 'variant')`` -> ``'mocov2/both'``).
        metrics: Metrics to summarise; a run without one is left out of
            that metric only.
        base: Where to find each group's base, e.g. ``{'variant':
            'base'}``: the group with that value in place of its own. A
            group that is its own base gets no gain.

    Returns:
        ``{group name: {metric: mean_std, metric + '_gain': mean_std}}``.
    """
    by_group: Dict[tuple, Dict[int, Dict]] = {}
    for r in results:
        by_group.setdefault(tuple(r[k] for k in group), {})[r['seed']] = r
    summary = {}
    for key, seeds in sorted(by_group.items()):
        entry: Dict[str, Dict] = {}
        base_key = None
        if base:
            named = dict(zip(group, key), **base)
            base_key = tuple(named[k] for k in group)
        base_runs = by_group.get(base_key, {}) if base_key != key else {}
        for metric in metrics:
            vals = {s: r[metric] for s, r in seeds.items() if metric in r}
            if not vals:
                continue
            entry[metric] = mean_std(vals.values())
            gain = paired_gain(
                vals,
                {s: r[metric] for s, r in base_runs.items() if metric in r},
            )
            if gain:
                entry[f'{metric}_gain'] = gain
        summary['/'.join(map(str, key))] = entry
    return summary


def tail_means(
    columns: Mapping[str, Sequence[float]],
    keys: Iterable[str],
    fraction: float = 0.1,
) -> Dict[str, float]:
    """Mean of each column over its last ``fraction`` of rows (NaNs, i.e.
    steps that did not log a key, left out), rounded to 4 digits."""
    out = {}
    for key in keys:
        col = columns.get(key)
        if col is None or not len(col):
            continue
        n = len(col)
        tail = [float(v) for v in col[n - max(1, int(n * fraction)) :]]
        tail = [v for v in tail if not math.isnan(v)]
        if tail:
            out[key] = round(statistics.fmean(tail), 4)
    return out
