"""Configuration mistakes found in seconds, before the Runner builds
datasets or models: each becomes one :class:`ConfigError` line that names
the key, the valid choice and the fix.

Checked: unknown keys of this package's algorithms and hooks (with the
closest valid key), ``model.ft`` keys and values (the FeatureTransform's
own validation), negative interpolation on an algorithm without negatives,
and MoCo-style queue lengths that the global batch does not divide.
"""

from __future__ import annotations

import difflib
import inspect
import os
from typing import Optional, Set

from mmengine.config import Config
from mmpretrain.registry import HOOKS, MODELS

from ..models.feature_transform import FeatureTransform
from ..utils.train_setup import ConfigError

_VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def accepted_keys(cls: type) -> Set[str]:
    """Keyword arguments ``cls(...)`` accepts: the union over the
    ``__init__`` of every class in its MRO (mixins pass ``**kwargs`` on),
    plus the names a class lists in ``init_kwargs`` (those its ``__init__``
    takes out of ``**kwargs``)."""
    keys = set()
    for klass in cls.__mro__:
        keys |= set(klass.__dict__.get('init_kwargs', ()))
        init = klass.__dict__.get('__init__')
        if init is None or klass is object:
            continue
        keys |= {
            n
            for n, p in inspect.signature(init).parameters.items()
            if n != 'self' and p.kind not in _VARIADIC
        }
    return keys


def check_keys(cls: type, cfg: dict, where: str) -> None:
    """Raise for the first key of ``cfg`` that ``cls`` does not accept."""
    valid = accepted_keys(cls)
    for key in cfg:
        if key == 'type' or key.startswith('_') or key in valid:
            continue
        close = difflib.get_close_matches(key, valid, n=1)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else f'valid keys: {", ".join(sorted(valid))}'
        )
        raise ConfigError(
            f"{where}.{key}: {cls.__name__} has no argument '{key}'; {hint}"
        )


def _package_class(registry, cfg) -> Optional[type]:
    """The class of ``cfg['type']`` if this package defines it."""
    if not isinstance(cfg, dict) or not isinstance(cfg.get('type'), str):
        return None
    cls = registry.get(cfg['type'])
    if cls is None or not cls.__module__.startswith('ftcl_mm.'):
        return None
    return cls


def check_feature_transform(ft: dict, owner: type) -> None:
    """``model.ft``: known keys, valid values, negatives where there are
    some."""
    check_keys(FeatureTransform, ft, 'model.ft')
    try:
        FeatureTransform(**ft)
    except (TypeError, ValueError) as e:
        raise ConfigError(f'model.ft: {e}') from None
    if ft.get('neg', True) and not getattr(owner, 'has_negatives', True):
        raise ConfigError(
            f'model.ft.neg: {owner.__name__} has no negatives to '
            'interpolate; set model.ft.neg=False'
        )


def check_queue(cfg: Config) -> None:
    """``model.queue_len`` must be a multiple of the global batch (MoCo
    replaces whole batches in its queue)."""
    queue_len = cfg.model.get('queue_len')
    batch = (cfg.get('train_dataloader') or {}).get('batch_size')
    if not isinstance(queue_len, int) or not isinstance(batch, int):
        return
    world = int(os.environ.get('WORLD_SIZE', '1'))
    total = batch * world
    if queue_len % total:
        fit = max(total, queue_len // total * total)
        raise ConfigError(
            f'model.queue_len={queue_len} is not a multiple of the global '
            f'batch {batch} x {world} process(es) = {total}; set '
            f'model.queue_len={fit} (or another multiple of {total}) or '
            'change train_dataloader.batch_size'
        )


def check_config(cfg: Config) -> None:
    """All checks above; raises the first :class:`ConfigError` found."""
    model = cfg.get('model')
    cls = _package_class(MODELS, model)
    if cls is not None:
        check_keys(cls, model, 'model')
        if isinstance(model.get('ft'), dict):
            check_feature_transform(model.ft, cls)
        check_queue(cfg)
    for i, hook in enumerate(cfg.get('custom_hooks') or []):
        hook_cls = _package_class(HOOKS, hook)
        if hook_cls is None:
            continue
        where = f'custom_hooks[{i}]'
        check_keys(hook_cls, hook, where)
        try:
            hook_cls(**{k: v for k, v in hook.items() if k != 'type'})
        except (TypeError, ValueError) as e:
            raise ConfigError(f'{where} ({hook_cls.__name__}): {e}') from None
