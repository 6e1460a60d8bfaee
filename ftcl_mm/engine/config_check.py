"""Configuration mistakes found in seconds, before the Runner builds
datasets or models: each becomes one :class:`ConfigError` line that names
the key, the valid choice and the fix.

Checked: misspelled top-level keys (``modle``, ``train_dataloadr``: the
Runner would ignore them silently), the types and ranges of the numbers
every run depends on (batch size, workers, epochs/iterations, learning
rate), unknown keys of this package's algorithms and hooks (with the
closest valid key), ``model.ft`` keys and values (the FeatureTransform's
own validation), negative interpolation on an algorithm without negatives,
and MoCo-style queue lengths that the global batch does not divide.
"""

from __future__ import annotations

import difflib
import inspect
import os
from numbers import Real
from typing import Any, Iterable, Optional, Set

from mmengine.config import Config
from mmpretrain.registry import HOOKS, MODELS

from ..models.feature_transform import FeatureTransform
from ..utils.errors import ConfigError

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


#: Top-level keys something reads: mmengine's Runner (``Runner.__init__``,
#: ``from_cfg``, ``wrap_model``), the config loader, and this package
#: (``tools/train.py``, :func:`~ftcl_mm.engine.train_setup.prepare_config`).
RUNNER_EXTRA_KEYS = frozenset(
    {
        '_base_',
        'custom_imports',
        'runner_type',
        'model_wrapper_cfg',
        'compile',
        'reproducible_augmentation',
        'skip_unreadable_images',
    }
)


def valid_top_level_keys() -> Set[str]:
    """Every top-level config key a run reads (see RUNNER_EXTRA_KEYS)."""
    from mmengine.runner import Runner

    return (accepted_keys(Runner) - {'cfg'}) | RUNNER_EXTRA_KEYS


def edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) that turn
    ``a`` into ``b`` (optimal string alignment distance)."""
    prev2: list = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def check_top_level_keys(
    file_keys: Iterable[str], option_keys: Iterable[str]
) -> None:
    """One line for a top-level key nothing reads.

    A config file may define helper variables (``data_root``,
    ``tiny_param_scheduler``, ...), so a key of the file is refused only
    when it is a typo of a key the Runner reads (at most two edits:
    ``train_dataloadr``, ``modle``). A
    ``--cfg-options`` key is refused whenever the file does not define it
    and nothing reads it: the file's variables are already substituted,
    so such an override could only be ignored.

    Args:
        file_keys: Top-level keys of the loaded config file.
        option_keys: Top-level keys of ``--cfg-options``.

    Raises:
        ConfigError: naming the key and the closest valid one.
    """
    valid = valid_top_level_keys()
    file_keys = set(file_keys)
    for key in sorted(file_keys - valid):
        typo = [v for v in sorted(valid) if edit_distance(key, v) <= 2]
        if typo and len(key) >= 5:
            raise ConfigError(
                f"config key '{key}' is not read by anything; did you mean "
                f"'{typo[0]}'? (rename it in the config file)"
            )
    for key in option_keys:
        if key in valid or key in file_keys:
            continue
        close = difflib.get_close_matches(key, valid | file_keys, n=1)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else (
                'top-level keys of this config: '
                + ', '.join(sorted(valid & file_keys))
            )
        )
        raise ConfigError(
            f'--cfg-options {key}...: the config has no top-level key '
            f"'{key}' and nothing reads it; {hint}"
        )


def _number(
    value: Any, where: str, kind: type, minimum: Real, strict: bool
) -> None:
    """Raise unless ``value`` is a ``kind`` (bool excluded) above or at
    ``minimum``."""
    ok_type = isinstance(value, kind) and not isinstance(value, bool)
    if ok_type and (value > minimum if strict else value >= minimum):
        return
    what = 'an integer' if kind is int else 'a number'
    bound = f'> {minimum}' if strict else f'>= {minimum}'
    raise ConfigError(
        f'{where} must be {what} {bound}, got {value!r}; set e.g. '
        f'--cfg-options {where}=...'
    )


def check_values(cfg: Config) -> None:
    """Types and ranges of the numbers every run depends on: loader batch
    sizes and workers, the schedule length, the optimizer's lr."""
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader_cfg = cfg.get(loader)
        if not isinstance(loader_cfg, dict):
            continue
        if 'batch_size' in loader_cfg:
            _number(
                loader_cfg['batch_size'], f'{loader}.batch_size', int, 0, True
            )
        if 'num_workers' in loader_cfg:
            _number(
                loader_cfg['num_workers'],
                f'{loader}.num_workers',
                int,
                0,
                False,
            )
    train_cfg = cfg.get('train_cfg')
    if isinstance(train_cfg, dict):
        for key in ('max_epochs', 'max_iters', 'val_interval'):
            if key in train_cfg:
                _number(train_cfg[key], f'train_cfg.{key}', int, 0, True)
    wrapper = cfg.get('optim_wrapper')
    optimizers = {}
    if isinstance(wrapper, dict) and isinstance(
        wrapper.get('optimizer'), dict
    ):
        optimizers['optim_wrapper.optimizer'] = wrapper['optimizer']
    elif isinstance(wrapper, dict):  # OptimWrapperDict: one per part
        optimizers = {
            f'optim_wrapper.{name}.optimizer': part['optimizer']
            for name, part in wrapper.items()
            if isinstance(part, dict)
            and isinstance(part.get('optimizer'), dict)
        }
    for where, optimizer in optimizers.items():
        if 'lr' in optimizer:
            _number(optimizer['lr'], f'{where}.lr', Real, 0, False)


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


def check_config(
    cfg: Config,
    file_keys: Optional[Iterable[str]] = None,
    option_keys: Iterable[str] = (),
) -> None:
    """All checks above; raises the first :class:`ConfigError` found.

    Args:
        cfg: The config as the Runner will get it.
        file_keys: Top-level keys of the config file before
            ``--cfg-options`` (default: those of ``cfg``).
        option_keys: Top-level keys given with ``--cfg-options``.
    """
    check_top_level_keys(
        cfg.keys() if file_keys is None else file_keys, option_keys
    )
    check_values(cfg)
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
