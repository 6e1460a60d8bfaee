"""ftcl_mm.engine.frozen_model: the backbone file checked before anything
is built; a random-init model reproducible by seed."""

import os.path as osp

import pytest
import torch

from ftcl_mm.engine.frozen_model import build_frozen_model, check_backbone_file
from ftcl_mm.engine.train_setup import load_config
from ftcl_mm.utils.errors import ConfigError

from ..conftest import ROOT

CONFIG = osp.join(
    ROOT, 'configs/benchmarks/classification/tiny/resnet18w16_linear_tiny.py'
)


def test_a_missing_backbone_file_is_one_clear_error(tmp_path):
    cfg = load_config(CONFIG)
    with pytest.raises(ConfigError, match='convert a checkpoint'):
        check_backbone_file(cfg, str(tmp_path / 'none.pth'))


def test_random_init_is_reproducible_by_seed():
    def weights(seed):
        cfg = load_config(CONFIG)
        check_backbone_file(cfg, 'none')
        model = build_frozen_model(cfg, seed)
        return torch.cat([p.flatten() for p in model.backbone.parameters()])

    assert torch.equal(weights(0), weights(0))
    assert not torch.equal(weights(0), weights(1))
