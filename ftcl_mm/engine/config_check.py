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
import math
import os
from numbers import Real
from typing import Any, Iterable, Optional, Set, Tuple

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
            _finite(optimizer['lr'], f'{where}.lr')
    for where, value in _find_key(cfg.get('model'), 'temperature', 'model'):
        _number(value, where, Real, 0, True)
        _finite(value, where)
    randomness = cfg.get('randomness')
    if isinstance(randomness, dict) and randomness.get('seed') is not None:
        # numpy seeds must lie in [0, 2**32): a negative one fails deep
        # inside mmengine's set_random_seed.
        _number(randomness['seed'], 'randomness.seed', int, 0, False)
        if randomness['seed'] >= 2**32:
            raise ConfigError(
                f'randomness.seed must be < 2**32, got {randomness["seed"]}'
            )


def _finite(value: Real, where: str) -> None:
    """Raise for an infinite or NaN number (the run would diverge at its
    first step)."""
    if not math.isfinite(value):
        raise ConfigError(
            f'{where} must be finite, got {value!r}; set e.g. '
            f'--cfg-options {where}=...'
        )


def _find_key(node: Any, key: str, path: str) -> Iterable[tuple]:
    """Yield ``(dotted path, value)`` of every ``key`` nested in
    ``node``."""
    if isinstance(node, dict):
        for k, v in node.items():
            where = f'{path}.{k}'
            if k == key and isinstance(v, (int, float)):
                yield where, v
            else:
                yield from _find_key(v, key, where)
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            yield from _find_key(v, key, f'{path}.{i}')


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


#: Keys an mmengine dataloader config takes besides DataLoader's own.
_LOADER_EXTRA = {'dataset', 'sampler', 'batch_sampler', 'collate_fn'}


def _registry_for(path: Tuple[str, ...]):
    """The registry that builds the config node at ``path`` (a key tuple),
    or None where this check does not know one."""
    from mmengine.registry import (
        DATA_SAMPLERS,
        DATASETS,
        OPTIMIZERS,
        PARAM_SCHEDULERS,
        TRANSFORMS,
    )

    head = path[0] if path else ''
    if head == 'model':
        return MODELS
    if head.endswith('_dataloader'):
        if 'pipeline' in path:
            return TRANSFORMS
        if path[-1] in ('sampler', 'batch_sampler'):
            return DATA_SAMPLERS
        return DATASETS
    if head == 'optim_wrapper' and path[-1] == 'optimizer':
        return OPTIMIZERS
    if head == 'param_scheduler':
        return PARAM_SCHEDULERS
    if head in ('custom_hooks', 'default_hooks'):
        return HOOKS
    return None


def _lookup_class(registry, type_name: str, scope: Optional[str]):
    """``type_name``'s class from ``registry`` in ``scope`` (mmengine's
    ``scope.Name`` prefixes honoured), or None."""
    if not isinstance(type_name, str):
        return type_name if inspect.isclass(type_name) else None
    try:
        with registry.switch_scope_and_registry(scope) as reg:
            return reg.get(type_name)
    except Exception:  # an unknown scope or type: the Runner says so
        return None


def _open_kwargs(cls: type) -> bool:
    """Whether some ``__init__`` of ``cls``'s MRO takes ``**kwargs``."""
    for klass in cls.__mro__:
        init = klass.__dict__.get('__init__')
        if init is None or klass is object:
            continue
        try:
            params = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):
            return True
        if any(p.kind == inspect.Parameter.VAR_KEYWORD for p in params):
            return True
    return False


def check_option_keys(cfg: Config, option_keys: Iterable[str]) -> None:
    """A nested ``--cfg-options`` key the built object does not take.

    ``model.backbone.depht=18`` or ``train_dataloader.batch_sise=8`` would
    otherwise fail deep inside the Runner with a TypeError traceback (or,
    behind a ``**kwargs``, be ignored). For each dotted key, the node it
    lands in is looked up: a dataloader is checked against
    ``torch.utils.data.DataLoader``; a node with a ``type`` against that
    class's ``__init__`` arguments (its whole MRO). A class that takes
    ``**kwargs`` is only refused a key that is a near-miss of one it
    names (a typo); otherwise it may use the key.

    Raises:
        ConfigError: naming the key and the closest valid one.
    """
    from torch.utils.data import DataLoader

    scope = cfg.get('default_scope')
    for key in option_keys:
        parts = key.split('.')
        if len(parts) < 2:
            continue
        node: Any = cfg.get(parts[0])  # a Config is no dict: step in once
        for part in parts[1:-1]:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif (
                isinstance(node, (list, tuple)) and part.lstrip('-').isdigit()
            ):
                try:
                    node = node[int(part)]
                except IndexError:
                    node = None
                    break
            else:
                node = None
                break
        if not isinstance(node, dict):
            continue
        leaf = parts[-1]
        if leaf == 'type' or leaf.startswith('_'):
            continue
        parent = tuple(parts[:-1])
        if len(parent) == 1 and parent[0].endswith('_dataloader'):
            valid = accepted_keys(DataLoader) | _LOADER_EXTRA
            open_kwargs = False
            what = 'a dataloader (torch DataLoader)'
        elif 'type' in node:
            registry = _registry_for(parent)
            cls = (
                _lookup_class(registry, node['type'], scope)
                if registry is not None
                else None
            )
            if cls is None:
                continue
            valid = accepted_keys(cls) | (set(node) - {leaf})
            open_kwargs = _open_kwargs(cls)
            what = cls.__name__
        else:
            continue
        if leaf in valid:
            continue
        close = difflib.get_close_matches(
            leaf, sorted(valid), n=1, cutoff=0.75
        )
        if open_kwargs and not close:
            continue
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else f'valid keys: {", ".join(sorted(valid))}'
        )
        raise ConfigError(
            f"--cfg-options {key}: {what} has no argument '{leaf}'; {hint}"
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
        option_keys: Keys given with ``--cfg-options`` (dotted; the
            nested ones are checked against what builds their node).
    """
    option_keys = list(option_keys)
    check_top_level_keys(
        cfg.keys() if file_keys is None else file_keys,
        {k.split('.', 1)[0] for k in option_keys},
    )
    check_option_keys(cfg, option_keys)
    check_values(cfg)
    model = cfg.get('model')
    cls = _package_class(MODELS, model)
    if cls is not None:
        check_keys(cls, model, 'model')
        if isinstance(model.get('ft'), dict):
            check_feature_transform(model.ft, cls)
        check_queue(cfg)
    hooks = list(cfg.get('custom_hooks') or [])
    gated = [
        i
        for i, h in enumerate(hooks)
        if isinstance(h, dict)
        and h.get('type') == 'FeatureTransformHook'
        and h.get('gate_pos_score') is not None
    ]
    if gated and not any(
        isinstance(h, dict) and h.get('type') == 'ScoreStatsHook'
        for h in hooks
    ):
        raise ConfigError(
            f'custom_hooks[{gated[0]}]: the FT gate (gate_pos_score) reads '
            'the positive score ScoreStatsHook records; add '
            "dict(type='ScoreStatsHook') to custom_hooks"
        )
    for i, hook in enumerate(hooks):
        hook_cls = _package_class(HOOKS, hook)
        if hook_cls is None:
            continue
        where = f'custom_hooks[{i}]'
        check_keys(hook_cls, hook, where)
        try:
            hook_cls(**{k: v for k, v in hook.items() if k != 'type'})
        except (TypeError, ValueError) as e:
            raise ConfigError(f'{where} ({hook_cls.__name__}): {e}') from None
