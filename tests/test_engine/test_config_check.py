"""check_config: every configuration mistake becomes one ConfigError line
that names the key and the fix, before anything is built."""

import glob
import os.path as osp
import re

import pytest
from mmengine.config import Config

import ftcl_mm  # noqa: F401
from ftcl_mm.engine import check_config
from ftcl_mm.engine.config_check import edit_distance
from ftcl_mm.utils.errors import ConfigError

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
            'model.ft: pos_alpha must be finite and > 0, got -1.0',
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


@pytest.mark.parametrize(
    'options, message',
    [
        (
            ['modle'],
            "no top-level key 'modle' and nothing reads it; did you "
            "mean 'model'?",
        ),
        (['train_dataloadr'], "did you mean 'train_dataloader'?"),
        (['zzz'], 'top-level keys of this config: '),
    ],
)
def test_unknown_top_level_option_named(options, message):
    cfg = _cfg()
    with pytest.raises(ConfigError, match=re.escape(message)):
        check_config(cfg, file_keys=set(cfg.keys()), option_keys=options)


def test_top_level_keys_of_the_file():
    # Helper variables of a config file pass; a typo of a Runner key not.
    cfg = _cfg()
    check_config(cfg, file_keys=set(cfg) | {'tiny_param_scheduler'})
    cfg['train_dataloadr'] = cfg.pop('train_dataloader')
    with pytest.raises(ConfigError, match="'train_dataloadr'.*did you mean"):
        check_config(cfg)
    assert edit_distance('modle', 'model') == 1
    assert edit_distance('model', 'model') == 0
    assert edit_distance('tiny_param_scheduler', 'param_scheduler') == 5


@pytest.mark.parametrize(
    'options, message',
    [
        (
            {'train_dataloader.batch_size': 0},
            'train_dataloader.batch_size must be an integer > 0, got 0',
        ),
        (
            {'train_dataloader.batch_size': '8'},
            "train_dataloader.batch_size must be an integer > 0, got '8'",
        ),
        (
            {'train_dataloader.num_workers': -1},
            'train_dataloader.num_workers must be an integer >= 0',
        ),
        (
            {'optim_wrapper.optimizer.lr': 'abc'},
            "optim_wrapper.optimizer.lr must be a number >= 0, got 'abc'",
        ),
        (
            {'train_cfg.max_epochs': 0},
            'train_cfg.max_epochs must be an integer > 0',
        ),
        (
            {'model.ft.pos_alpha': 'abc'},
            'model.ft: pos_alpha must be a number > 0 (a Beta distribution '
            "parameter), got 'abc'",
        ),
        (
            {'model.ft.neg': 'yes'},
            "model.ft: neg must be True or False, got 'yes'",
        ),
        # Values that make the loss NaN from the first step.
        (
            {'optim_wrapper.optimizer.lr': float('inf')},
            'optim_wrapper.optimizer.lr must be finite, got inf',
        ),
        (
            {'model.head.temperature': 0},
            'model.head.temperature must be a number > 0, got 0',
        ),
        (
            {'model.head.temperature': float('nan')},
            'model.head.temperature must be a number > 0, got nan',
        ),
        (
            {'model.ft.pos_alpha': float('inf')},
            'model.ft: pos_alpha must be finite and > 0, got inf',
        ),
        (
            {'randomness.seed': -1},
            'randomness.seed must be an integer >= 0, got -1',
        ),
    ],
)
def test_types_and_ranges_named(options, message):
    with pytest.raises(ConfigError) as info:
        check_config(_cfg(**options))
    assert str(info.value).startswith(message), str(info.value)


@pytest.mark.parametrize(
    'config, options, message',
    [
        (
            'configs/selfsup/tiny/simclr_tiny.py',
            {'train_dataloader.batch_sise': 8},
            '--cfg-options train_dataloader.batch_sise: a dataloader (torch '
            "DataLoader) has no argument 'batch_sise'; did you mean "
            "'batch_size'?",
        ),
        (
            'configs/selfsup/tiny/simclr_tiny.py',
            {'model.backbone.depht': 18},
            '--cfg-options model.backbone.depht: ResNet has no argument '
            "'depht'; did you mean 'depth'?",
        ),
        (
            'configs/benchmarks/mmdetection/tiny/'
            'faster-rcnn_r18w16-c4_tinydet_voc.py',
            {'model.roi_head.bbox_head.num_clases': 3},
            "BBoxHead has no argument 'num_clases'; did you mean "
            "'num_classes'?",
        ),
        (
            'configs/benchmarks/classification/tiny/'
            'resnet18w16_linear_tiny.py',
            {'optim_wrapper.optimizer.momentun': 0.9},
            "SGD has no argument 'momentun'; did you mean 'momentum'?",
        ),
    ],
)
def test_nested_option_typos_named(config, options, message):
    """A nested --cfg-options key is checked against the class that builds
    its node (mmpretrain and mmdet scopes alike)."""
    cfg = Config.fromfile(osp.join(ROOT, config))
    file_keys = set(cfg.keys())
    cfg.merge_from_dict(options)
    with pytest.raises(ConfigError, match=re.escape(message)):
        check_config(cfg, file_keys=file_keys, option_keys=list(options))


def test_valid_nested_options_pass():
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/selfsup/tiny/simclr_tiny.py')
    )
    options = {
        'model.backbone.depth': 34,
        'train_dataloader.persistent_workers': False,
        'train_dataloader.dataset.pipeline.0.backend_args': None,
        'param_scheduler.0.T_max': 5,
    }
    file_keys = set(cfg.keys())
    cfg.merge_from_dict(options)
    check_config(cfg, file_keys=file_keys, option_keys=list(options))


@pytest.mark.parametrize(
    'hook, message',
    [
        (
            dict(type='FeatureTransformHook', gate_pos_score=1.5),
            'gate_pos_score must be in (-1, 1]',
        ),
        (
            dict(
                type='FeatureTransformHook', gate_pos_score=0.6, start_iter=3
            ),
            'use start_epoch, not start_iter',
        ),
    ],
)
def test_gate_values(hook, message):
    cfg = _cfg()
    cfg.custom_hooks = [hook, *cfg.custom_hooks[1:]]
    with pytest.raises(ConfigError, match=re.escape(message)):
        check_config(cfg)


def test_gate_needs_the_score_hook():
    cfg = _cfg()
    cfg.custom_hooks = [dict(type='FeatureTransformHook', gate_pos_score=0.6)]
    with pytest.raises(ConfigError, match='reads the positive score'):
        check_config(cfg)


def test_bounded_extrapolation_values():
    with pytest.raises(ConfigError, match='pos_lambda_max must be a finite'):
        check_config(_cfg(**{'model.ft.pos_lambda_max': 0.5}))
    check_config(_cfg(**{'model.ft.pos_lambda_max': 1.5}))
