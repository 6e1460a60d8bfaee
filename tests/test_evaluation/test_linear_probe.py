"""The cached-feature linear probe trains the config's own head with the
config's optimizer and schedule."""

import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

import ftcl_mm  # noqa: F401
from ftcl_mm.evaluation import linear_probe_top1

from ..conftest import ROOT

LINEAR = 'configs/benchmarks/classification/tiny/resnet18w16_linear_tiny.py'


def _features(n, classes, dim, noise, seed):
    g = torch.Generator().manual_seed(seed)
    centres = torch.randn(classes, dim, generator=g) * 3
    labels = torch.arange(n) % classes
    return centres[labels] + noise * torch.randn(n, dim, generator=g), labels


@pytest.fixture
def cfg():
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        yield Config.fromfile(osp.join(ROOT, LINEAR))


def test_separable_features_are_learned_and_noise_is_not(cfg):
    tr_f, tr_l = _features(600, 10, 128, 0.5, 0)
    va_f, va_l = tr_f[:200] + 0.1, tr_l[:200]
    assert linear_probe_top1(cfg, tr_f, tr_l, va_f, va_l) == 100.0
    # Training labels unrelated to the features: chance on the val set.
    g = torch.Generator().manual_seed(0)
    shuffled = tr_l[torch.randperm(len(tr_l), generator=g)]
    assert linear_probe_top1(cfg, tr_f, shuffled, va_f, va_l) < 30.0


def test_seeded_and_uses_the_config_schedule(cfg):
    tr_f, tr_l = _features(300, 10, 16, 4.0, 0)
    cfg.model.head.in_channels = 16
    a = linear_probe_top1(cfg, tr_f, tr_l, tr_f, tr_l, seed=3)
    assert a == linear_probe_top1(cfg, tr_f, tr_l, tr_f, tr_l, seed=3)
    # lr 0 (the config's optimizer is used): the head stays at its init.
    cfg.optim_wrapper.optimizer.lr = 0.0
    untrained = linear_probe_top1(cfg, tr_f, tr_l, tr_f, tr_l, seed=3)
    assert untrained < a
    cfg.param_scheduler = [dict(type='LinearLR', by_epoch=False)]
    with pytest.raises(ValueError, match='per epoch'):
        linear_probe_top1(cfg, tr_f, tr_l, tr_f, tr_l)


def test_quiet_about_the_head_initialisation_and_keeps_the_log_level(
    cfg, capfd
):
    from mmengine.logging import MMLogger

    logger = MMLogger.get_current_instance()
    level = logger.level
    tr_f, tr_l = _features(100, 10, 128, 0.5, 0)
    linear_probe_top1(cfg, tr_f, tr_l, tr_f, tr_l)
    out, err = capfd.readouterr()
    # mmengine would print one "fc.weight ... NormalInit" line per
    # parameter when no log file is open.
    assert 'NormalInit' not in out + err
    assert logger.level == level
