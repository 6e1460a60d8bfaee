"""A config's model around a converted backbone, for evaluating it frozen
(``tools/benchmarks/knn_eval.py``, ``tools/benchmarks/downstream_suite.py``):
the backbone file checked before anything is built, then the model built
and initialised as training would (``init_cfg`` Pretrained loads it)."""

from __future__ import annotations

import os.path as osp

from ..utils.errors import ConfigError
from .train_setup import check_pretrained, set_pretrained


def check_backbone_file(cfg, pretrained: str) -> None:
    """Point the backbone's ``init_cfg`` at ``pretrained`` (``'none'``:
    random init) and check the file: it exists, loads safely and is a
    backbone of the config's architecture (a training checkpoint or
    another width is refused).

    Raises:
        ConfigError: One line saying what is wrong and what to do.
    """
    set_pretrained(cfg, pretrained)
    if pretrained.lower() == 'none':
        return
    if not osp.isfile(pretrained):
        raise ConfigError(
            f'--pretrained {pretrained} does not exist; convert a '
            'checkpoint with tools/convert_ckpt.py'
        )
    check_pretrained(cfg)


def build_frozen_model(cfg, seed: int):
    """Build and initialise ``cfg.model`` (with the config's data
    preprocessor) under the config's scope, after seeding: the seed fixes
    a random initialisation, so a random-init floor is reproducible and
    seeds differ as in training. The caller moves it and sets eval mode.
    """
    from mmengine.registry import init_default_scope
    from mmengine.runner import set_random_seed
    from mmpretrain.registry import MODELS

    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    set_random_seed(seed)
    if cfg.get('data_preprocessor') and isinstance(cfg.model, dict):
        cfg.model.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model
