"""The FT study's plan and report, as unit tests (the command line's
runs are tested in tests/test_tools/test_ft_study.py)."""

import argparse
import os.path as osp

import pytest

from ftcl_mm.sweep import ft_study
from ftcl_mm.utils.errors import UserInputError


def _args(tmp_path, **kw):
    base = dict(
        methods=['mocov2', 'simclr'],
        variants=['base', 'both'],
        seeds=[0, 1],
        scale='tiny',
        skip_missing=False,
        no_random_init=False,
        work_dir=str(tmp_path),
        linear_protocol='cached',
        reference=None,
    )
    base.update(kw)
    return argparse.Namespace(**base)


def test_plan_is_seed_major_with_the_floor_first(tmp_path):
    runs = ft_study.make_plan(_args(tmp_path))
    assert [r.name for r in runs] == [
        'random init, seed 0',
        'mocov2/base/seed0',
        'mocov2/both/seed0',
        'simclr/base/seed0',
        'simclr/both/seed0',
        'random init, seed 1',
        'mocov2/base/seed1',
        'mocov2/both/seed1',
        'simclr/base/seed1',
        'simclr/both/seed1',
    ]
    assert runs[2].config == 'configs/selfsup/tiny/mocov2_ft_tiny.py'
    assert runs[2].work_dir == osp.join(str(tmp_path), 'mocov2/both/seed0')


def test_plan_random_alone_and_missing_configs(tmp_path):
    runs = ft_study.make_plan(
        _args(tmp_path, methods=['random'], no_random_init=True, seeds=[3])
    )
    assert [(r.method, r.config) for r in runs] == [('random', None)]
    with pytest.raises(UserInputError, match='hsg_simclr_ft_tiny.py'):
        ft_study.make_plan(_args(tmp_path, methods=['hsg_simclr']))
    runs = ft_study.make_plan(
        _args(tmp_path, methods=['hsg_simclr'], skip_missing=True)
    )
    assert {r.variant for r in runs} == {'init', 'base'}


def _result(method, variant, seed, knn):
    return dict(
        method=method,
        variant=variant,
        seed=seed,
        knn_top1=knn,
        linear_top1=knn + 1.0,
        scores=dict(pos_mean=0.5, neg_mean=0.1, neg_var=0.2),
    )


def test_summary_and_report_pair_gains_by_seed(tmp_path):
    results = [
        _result('mocov2', 'base', 0, 50.0),
        _result('mocov2', 'base', 1, 60.0),
        _result('mocov2', 'both', 0, 40.0),
        _result('mocov2', 'both', 1, 52.0),
    ]
    summary = ft_study.summarise(results)
    gain = summary['mocov2/both']['knn_top1_gain']
    # paired: (-10, -8), not the difference of the means' stds
    assert gain['mean'] == pytest.approx(-9.0)
    assert gain['std'] == pytest.approx(2**0.5)
    assert summary['mocov2/base']['scores']['pos_mean'] == 0.5
    text = ft_study.report_markdown(_args(tmp_path), summary, results)
    assert '| mocov2 | both | 46.00 ± 8.49 | -9.00 ± 1.41 |' in text
    assert '| mocov2/both/seed1 | 52.0' in text
