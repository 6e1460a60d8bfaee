"""ftcl_mm.sweep.stats: mean +- std, gains paired by seed, verdicts."""

import math
import statistics

import pytest

from ftcl_mm.sweep import (
    aggregate,
    fmt_stat,
    mean_std,
    paired_gain,
    tail_means,
    verdict,
)


def _run(method, variant, seed, knn, linear=None):
    r = dict(method=method, variant=variant, seed=seed, knn_top1=knn)
    if linear is not None:
        r['linear_top1'] = linear
    return r


def test_gains_are_paired_by_seed():
    results = [
        _run('simclr', 'base', 0, 50.0, 60.0),
        _run('simclr', 'base', 1, 40.0, 50.0),
        _run('simclr', 'both', 0, 52.0, 59.0),
        _run('simclr', 'both', 1, 43.0, 52.0),
        _run('random', 'init', 0, 20.0, 15.0),
    ]
    summary = aggregate(
        results,
        group=('method', 'variant'),
        metrics=('knn_top1', 'linear_top1'),
        base={'variant': 'base'},
    )
    both = summary['simclr/both']
    assert both['knn_top1']['mean'] == pytest.approx(47.5)
    # Paired gains (+2, +3), not the difference of means with pooled std.
    assert both['knn_top1_gain']['mean'] == pytest.approx(2.5)
    assert both['knn_top1_gain']['std'] == pytest.approx(
        statistics.stdev([2.0, 3.0])
    )
    assert both['linear_top1_gain']['mean'] == pytest.approx(0.5)
    assert 'knn_top1_gain' not in summary['simclr/base']
    assert 'knn_top1_gain' not in summary['random/init']
    assert verdict(both['knn_top1_gain']) == 'gain > 1 std'
    assert verdict(both['linear_top1_gain']) == 'within 1 std'
    assert verdict(dict(mean=-3.0, std=1.0, n=3)) == 'loss > 1 std'
    assert verdict(dict(mean=5.0, std=0.0, n=1)) == '-'


def test_a_seed_missing_from_the_base_is_not_paired():
    gain = paired_gain({0: 5.0, 1: 7.0, 2: 100.0}, {0: 4.0, 1: 4.0})
    assert gain == dict(mean=2.0, std=pytest.approx(math.sqrt(2)), n=2)
    assert paired_gain({3: 1.0}, {0: 1.0}) is None


def test_base_can_be_another_method():
    # siblings against MoCo v2 base: the base group differs in ``method``
    results = [
        _run('mocov2', 'base', 0, 40.0),
        _run('mocov2', 'base', 1, 50.0),
        _run('mochi', 'base', 0, 44.0),
        _run('mochi', 'base', 1, 51.0),
    ]
    summary = aggregate(
        results, ('method', 'variant'), ('knn_top1',), {'method': 'mocov2'}
    )
    assert summary['mochi/base']['knn_top1_gain']['mean'] == pytest.approx(2.5)
    assert 'knn_top1_gain' not in summary['mocov2/base']


def test_format_and_tail_means():
    assert mean_std([1.0]) == dict(mean=1.0, std=0.0, n=1)
    assert fmt_stat(mean_std([1.0, 3.0])) == '2.00 ± 1.41'
    assert (
        fmt_stat(dict(mean=2.5, std=0.5, n=2), signed=True) == '+2.50 ± 0.50'
    )
    assert fmt_stat(None) == '-'
    cols = dict(
        a=[0.0] * 18 + [1.0, 3.0],
        b=[float('nan')] * 19 + [4.0],  # logged on the last step only
        c=[float('nan')] * 20,
    )
    assert tail_means(cols, ('a', 'b', 'c', 'missing')) == dict(a=2.0, b=4.0)


def test_metric_stats_over_the_seeds_that_reported_each_metric():
    from ftcl_mm.sweep.stats import metric_stats

    got = metric_stats({0: {'a': 1.0, 'b': 5.0}, 1: {'a': 3.0}})
    assert got['a']['mean'] == 2.0 and got['a']['n'] == 2
    assert got['a']['values'] == [1.0, 3.0]
    assert got['b'] == dict(mean=5.0, std=0.0, n=1, values=[5.0])
