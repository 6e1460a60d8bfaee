"""extract_features: what the classifier's head sees -- the pooled backbone,
or a neck that is more than pooling (LooC++'s concatenated spaces)."""

import os.path as osp

import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmpretrain.registry import MODELS

import ftcl_mm  # noqa: F401
from ftcl_mm.evaluation import extract_features

from ..conftest import ROOT

TINY = 'configs/benchmarks/classification/tiny/'


def _model_and_data(config, demo_data):
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        cfg = Config.fromfile(osp.join(ROOT, TINY, config))
        cfg.model.backbone.pop('init_cfg', None)
        if 'init_cfg' in cfg.model.get('neck', {}):
            cfg.model.neck.pop('init_cfg')
        model = MODELS.build(cfg.model)
    data = dict(
        cfg.val_dataloader.dataset,
        data_root=osp.join(demo_data, 'imagenet'),
        indices=6,
    )
    return model, data


def test_pooling_neck_gives_the_pooled_backbone(demo_data):
    from mmengine.dataset import default_collate
    from mmpretrain.registry import DATASETS

    model, data = _model_and_data('resnet18w16_linear_tiny.py', demo_data)
    feats, labels, classes = extract_features(model, data, 4, 'cpu')
    assert feats.shape == (6, 128) and labels.shape == (6,) and classes > 1
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        dataset = DATASETS.build(data)
    batch = default_collate([dataset[i] for i in range(6)])
    with torch.no_grad():
        x = model.data_preprocessor(batch, False)['inputs']
        pooled = model.backbone(x)[-1].mean((2, 3))
    torch.testing.assert_close(feats, pooled)


def test_loocpp_neck_gives_the_concatenated_spaces(demo_data):
    model, data = _model_and_data(
        'resnet18w16_loocpp_linear_tiny.py', demo_data
    )
    feats, _, _ = extract_features(model, data, 4, 'cpu')
    assert feats.shape == (6, 3 * 128)
    # each space is L2-normalised on its own (LooCNeck output='concat')
    norms = feats.view(6, 3, 128).norm(dim=2)
    torch.testing.assert_close(norms, torch.ones(6, 3))
