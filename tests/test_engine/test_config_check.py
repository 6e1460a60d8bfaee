"""check_config: every configuration mistake becomes one ConfigError line
that names the key and the fix, before anything is built."""

import glob
import os.path as osp

import pytest
from mmengine.config import Config

import ftcl_mm  # noqa: F401
from ftcl_mm.engine import check_config
from ftcl_mm.utils.train_setup import ConfigError

from ..conftest import ROOT

DEMO = osp.join(ROOT, 'configs/selfsup/demo')


def _cfg(name='mocov2_ft_demo', **options):
    cfg = Config.fromfile(osp.join(DEMO, f'{name}.py'))
    cfg.merge_from_dict(options)
    return cfg


@pytest.mark.parametrize(
    'name, options, message',
    [
        (
            'mocov2_ft_demo',
            {'model.ft.pos_alhpa': 1.0},
            'model.ft.pos_alhpa: FeatureTransform has no argument '
            "'pos_alhpa'; did you mean 'pos_alpha'?",
        ),
        (
            'mocov2_ft_demo',
            {'model.ft.pos_alpha': -1.0},
            'model.ft: pos_alpha must be > 0, got -1.0',
        ),
        (
            'mocov2_ft_demo',
            {'model.ft.granularity': 'foo'},
            "model.ft: granularity must be one of ('batch', 'sample', 'dim')"
            ", got 'foo'",
        ),
        (
            'mocov2_ft_demo',
            {'model.quee_len': 256},
            "model.quee_len: MoCoFT has no argument 'quee_len'; did you mean "
            "'queue_len'?",
        ),
        (
            'mocov2_ft_demo',
            {'model.queue_len': 250},
            'model.queue_len=250 is not a multiple of the global batch 16 x 1'
            ' process(es) = 16; set model.queue_len=240',
        ),
        (
            'simsiam_ft_demo',
            {'model.ft.neg': True},
            'model.ft.neg: SimSiamFT has no negatives to interpolate; set '
            'model.ft.neg=False',
        ),
    ],
)
def test_mistakes_are_named(name, options, message):
    cfg = _cfg(name, **options)
    with pytest.raises(ConfigError) as info:
        check_config(cfg)
    assert str(info.value).startswith(message), str(info.value)
    assert '\n' not in str(info.value)


def test_hook_keys_and_values():
    cfg = _cfg()
    index = next(
        i
        for i, h in enumerate(cfg.custom_hooks)
        if h['type'] == 'FeatureTransformHook'
    )
    cfg.custom_hooks[index]['start_epoc'] = 1
    with pytest.raises(ConfigError, match="did you mean 'start_epoch'"):
        check_config(cfg)
    del cfg.custom_hooks[index]['start_epoc']
    cfg.custom_hooks[index]['start_epoch'] = -1
    with pytest.raises(ConfigError, match='start_epoch and start_iter must'):
        check_config(cfg)


SHIPPED = sorted(
    osp.relpath(p, ROOT)
    for p in glob.glob(
        osp.join(ROOT, 'configs/selfsup/**/*.py'), recursive=True
    )
)


@pytest.mark.parametrize('path', SHIPPED)
def test_shipped_configs_pass(path):
    """No false alarms: every self-supervised config passes."""
    check_config(Config.fromfile(osp.join(ROOT, path)))
