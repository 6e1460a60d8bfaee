"""Command-line flags map onto the config; bad input fails early."""

import os.path as osp

import pytest
import torch
from mmengine.config import Config

from ftcl_mm.utils.train_setup import ConfigError, prepare_config

from ..conftest import ROOT

DEMO_CFG = osp.join(ROOT, 'configs/selfsup/demo/mocov2_demo.py')


@pytest.fixture
def cfg(demo_data):
    c = Config.fromfile(DEMO_CFG)
    c.train_dataloader.dataset.data_root = osp.join(demo_data, 'imagenet')
    return c


def test_valid_config_passes(cfg):
    assert prepare_config(cfg) is cfg


def test_missing_data_root(cfg):
    cfg.train_dataloader.dataset.data_root = '/no/such/dir'
    with pytest.raises(ConfigError, match='data_root.*make_demo_data'):
        prepare_config(cfg)


def test_missing_ann_file(cfg):
    cfg.train_dataloader.dataset.ann_file = 'meta/nope.txt'
    with pytest.raises(ConfigError, match='ann_file'):
        prepare_config(cfg)


def test_wrapped_dataset_is_checked(cfg):
    inner = cfg.train_dataloader.dataset
    inner.data_root = '/no/such/dir'
    cfg.train_dataloader.dataset = dict(
        type='RepeatDataset', times=2, dataset=inner
    )
    with pytest.raises(
        ConfigError, match=r'train_dataloader\.dataset\.dataset'
    ):
        prepare_config(cfg)


def test_resume_flags(cfg, tmp_path):
    prepare_config(cfg, resume='auto')
    assert cfg.resume is True and cfg.load_from is None
    ckpt = tmp_path / 'x.pth'
    torch.save({'state_dict': {}, 'meta': {}}, ckpt)
    prepare_config(cfg, resume=str(ckpt))
    assert cfg.load_from == str(ckpt)
    ckpt.write_bytes(b'')  # loaded safely up front: refused in seconds
    with pytest.raises(ConfigError, match='is not a PyTorch checkpoint'):
        prepare_config(cfg, resume=str(ckpt))
    with pytest.raises(ConfigError, match='does not exist'):
        prepare_config(cfg, resume=str(tmp_path / 'missing.pth'))


@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU-only behaviour')
def test_amp_needs_gpu(cfg):
    with pytest.raises(ConfigError, match='--amp needs a CUDA GPU'):
        prepare_config(cfg, amp=True)


def test_auto_scale_lr(cfg):
    prepare_config(cfg, auto_scale_lr=True)
    assert cfg.auto_scale_lr.enable is True
