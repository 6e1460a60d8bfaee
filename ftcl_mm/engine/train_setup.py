"""From a config file and command-line flags to what the Runner gets.

The one home of config preparation (:func:`prepare_training` is all of
it, in order): load the file, merge ``--cfg-options``, pick and check the
work dir, apply the flags (``--resume``, ``--pretrained``, ``--amp``,
...), check data paths and, through :mod:`.checkpoint_checks`, every
checkpoint up front, rewrite the training
sampler/dataset for reproducible augmentation, check the config's keys and
values (:mod:`.config_check`) and set up CPU distributed training
(:mod:`.model_wrappers`). Every mistake is one :class:`ConfigError` line
before anything is built. Kept out of ``tools/`` so that it is importable
and testable.
"""

from __future__ import annotations

import os.path as osp
from typing import Iterator, Optional, Tuple

import torch
from mmengine.config import Config

from ..utils.errors import ConfigError
from .checkpoint_checks import (
    _pretrained_owners,
    check_pretrained,
    resolve_resume,
)
from .work_dir import check_reuse, check_work_dir  # noqa: F401

_LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def _dataset_cfgs(cfg: dict, path: str) -> Iterator[Tuple[str, dict]]:
    """Yield ``(dotted path, dataset cfg)`` for datasets with a data root,
    descending into wrappers (RepeatDataset, ConcatDataset, ...)."""
    if not isinstance(cfg, dict):
        return
    if 'data_root' in cfg or 'ann_file' in cfg:
        yield path, cfg
    if isinstance(cfg.get('dataset'), dict):
        yield from _dataset_cfgs(cfg['dataset'], f'{path}.dataset')
    for i, sub in enumerate(cfg.get('datasets') or []):
        yield from _dataset_cfgs(sub, f'{path}.datasets.{i}')


#: mmpretrain datasets whose ``.txt`` ann file is ``<image> <label>`` lines.
_LIST_TYPES = ('CustomDataset', 'ImageNet', 'ImageNet100')


def check_image_list(path: str) -> None:
    """Every line of an mmpretrain image list is ``<image> <integer
    label>`` (a bad label fails deep in the dataset with a traceback).

    Raises:
        ConfigError: naming the file, the line and its text.
    """
    with open(path, errors='replace') as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if len(parts) < 2:
                continue  # unlabelled lists (folders give the labels)
            try:
                int(parts[-1])
            except ValueError:
                raise ConfigError(
                    f'{path}, line {n}: the label {parts[-1]!r} is not an '
                    'integer; each line is "<image path> <class index>"'
                ) from None


def _hook_datasets(cfg: Config) -> Iterator[Tuple[str, dict]]:
    """``(dotted path, dataset cfg)`` of the datasets hooks read (the
    online kNN's train / val splits)."""
    for name, hook in (cfg.get('default_hooks') or {}).items():
        if isinstance(hook, dict) and hook.get('type') == 'OnlineKNNHook':
            for split in ('train', 'val'):
                if isinstance(hook.get(split), dict):
                    yield f'default_hooks.{name}.{split}', hook[split]


def check_data_paths(cfg: Config, loaders=_LOADERS) -> None:
    """Fail early, with one actionable line, if a dataset path is missing
    (the loaders', and those hooks read).

    Raises:
        ConfigError: a ``data_root`` or ``ann_file`` does not exist.
    """
    found = []
    for loader in loaders:
        loader_cfg = cfg.get(loader)
        if isinstance(loader_cfg, dict):
            found += list(
                _dataset_cfgs(loader_cfg.get('dataset'), f'{loader}.dataset')
            )
    if 'train_dataloader' in loaders:
        found += list(_hook_datasets(cfg))
    for path, ds in found:
        root = ds.get('data_root') or ''
        if root and not osp.isdir(root):
            raise ConfigError(
                f"dataset root '{root}' ({path}.data_root) does not "
                'exist; generate the demo data with `python '
                'tools/make_demo_data.py` or point the config at your '
                f'data with --cfg-options {path}.data_root=PATH'
            )
        ann = ds.get('ann_file') or ''
        if ann and not ann.startswith(('http://', 'https://', 's3://')):
            full = ann if osp.isabs(ann) else osp.join(root, ann)
            if not osp.exists(full):
                raise ConfigError(
                    f"annotation file '{full}' ({path}.ann_file) does "
                    'not exist; check the dataset layout documented in '
                    f'the config or set --cfg-options {path}.ann_file='
                    'PATH'
                )
            if full.endswith('.txt') and ds.get('type') in _LIST_TYPES:
                check_image_list(full)


def set_pretrained(cfg: Config, checkpoint: str) -> int:
    """Point every Pretrained ``init_cfg`` of the model at ``checkpoint``
    (for C4 detectors: the backbone *and* the res5 shared head), or drop
    them all for the modules' default (random) initialisation if
    ``checkpoint`` is ``'none'``.

    Returns:
        The number of init_cfgs changed.

    Raises:
        ConfigError: the model has no Pretrained init_cfg.
    """
    owners = list(_pretrained_owners(cfg.model))
    if not owners:
        raise ConfigError(
            '--pretrained: the model has no init_cfg of type '
            'Pretrained to point at a checkpoint'
        )
    for _, owner in owners:
        if checkpoint.lower() == 'none':
            owner['init_cfg'] = None
        else:
            owner['init_cfg']['checkpoint'] = checkpoint
    return len(owners)


def make_augmentation_reproducible(cfg: Config) -> bool:
    """Seed every training sample's augmentation from (seed, epoch, index).

    For mmpretrain configs whose training loader uses ``DefaultSampler``:
    the sampler becomes ``EpochSeededSampler`` and the dataset is wrapped
    in ``ReproducibleDataset`` (see :mod:`ftcl_mm.datasets.reproducible`),
    so a resumed run repeats the straight run with persistent workers.
    ``reproducible_augmentation=False`` in the config keeps mmengine's
    per-worker streams. ``skip_unreadable_images=True`` skips unreadable
    images instead of stopping at the first: ``<work_dir>/
    skipped_images.txt`` lists each once per epoch (``skipped_images.log``
    every failed attempt).

    Returns:
        Whether the loader was changed.
    """
    loader = cfg.get('train_dataloader')
    if (
        not cfg.get('reproducible_augmentation', True)
        or cfg.get('default_scope') != 'mmpretrain'
        or not loader
        or loader.get('batch_sampler')
        or (loader.get('sampler') or {}).get('type') != 'DefaultSampler'
        or loader.dataset.get('type') == 'ReproducibleDataset'
    ):
        return False
    loader.sampler.type = 'EpochSeededSampler'
    skip = bool(cfg.get('skip_unreadable_images', False))
    log = osp.join(cfg.work_dir, 'skipped_images.log') if skip else None
    loader.dataset = dict(
        type='ReproducibleDataset',
        dataset=loader.dataset,
        skip_unreadable=skip,
        skipped_file=log,
    )
    if skip:
        out = osp.join(cfg.work_dir, 'skipped_images.txt')
        cfg.custom_hooks = list(cfg.get('custom_hooks') or []) + [
            dict(type='SkippedImagesHook', log=log, out=out)
        ]
    return True


def load_config(path: str, cfg_options: Optional[dict] = None) -> Config:
    """The config file with ``cfg_options`` merged in.

    Raises:
        ConfigError: the file is missing or cannot be loaded (syntax
            errors, missing ``_base_`` files, ...).
    """
    if osp.isdir(path):
        raise ConfigError(
            f'config {path} is a directory; pass a config file in it, e.g. '
            'configs/selfsup/tiny/simclr_tiny.py'
        )
    if not osp.isfile(path):
        raise ConfigError(f'config file {path} does not exist')
    try:
        cfg = Config.fromfile(path)
    except Exception as e:  # syntax errors, missing _base_ files, ...
        raise ConfigError(
            f'cannot load config {path} ({type(e).__name__}: {e})'
        ) from e
    if 'model' not in cfg:
        raise ConfigError(
            f'config {path} defines no model (is it empty?); pass a config '
            'of configs/selfsup or configs/benchmarks, or inherit one with '
            "_base_ = '...'"
        )
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def prepare_training(
    config: str,
    cfg_options: Optional[dict] = None,
    work_dir: Optional[str] = None,
    launcher: str = 'none',
    new_run: bool = False,
    **flags,
) -> Config:
    """Everything ``tools/train.py`` does before building the Runner.

    Args:
        config: Path of the config file.
        cfg_options: ``--cfg-options`` (checked: a key nothing reads is an
            error naming the closest valid key).
        work_dir: ``--work-dir``; default the config's, else
            ``work_dirs/<config name>``.
        launcher: ``none``, ``pytorch`` (CPU: gloo process group and the
            CPU DDP wrappers), ``slurm`` or ``mpi``.
        new_run: ``--new-run``: a work dir holding a run gets a fresh
            timestamped subfolder (without it, such a work dir needs
            ``--resume``).
        **flags: :func:`prepare_config`'s flags (amp, resume,
            auto_scale_lr, no_validate, pretrained).

    Returns:
        The config for ``Runner.from_cfg``.

    Raises:
        ConfigError: the first problem found, before anything is built.
    """
    from .config_check import check_config, check_option_keys
    from .model_wrappers import setup_cpu_distributed

    cfg = load_config(config)
    file_keys = set(cfg.keys())
    cfg_options = cfg_options or {}
    cfg.merge_from_dict(cfg_options)
    cfg.launcher = launcher
    cfg.work_dir = (
        work_dir
        or cfg.get('work_dir')
        or osp.join('work_dirs', osp.splitext(osp.basename(config))[0])
    )
    check_work_dir(cfg.work_dir)
    cfg.work_dir = check_reuse(cfg.work_dir, flags.get('resume'), new_run)
    # Nested keys against the config as written: prepare_config wraps the
    # training dataset (ReproducibleDataset) below.
    check_option_keys(cfg, list(cfg_options))
    prepare_config(cfg, **flags)
    # Mistakes cost seconds: checked before datasets/models are built.
    check_config(
        cfg,
        file_keys=file_keys,
        option_keys={k.split('.', 1)[0] for k in cfg_options},
    )
    if launcher == 'pytorch':
        setup_cpu_distributed(cfg)
    return cfg


def prepare_config(
    cfg: Config,
    amp: bool = False,
    resume: Optional[str] = None,
    auto_scale_lr: bool = False,
    no_validate: bool = False,
    pretrained: Optional[str] = None,
) -> Config:
    """Apply the command-line flags of ``tools/train.py`` to ``cfg``.

    Args:
        cfg: The loaded config (modified in place and returned).
        amp: Use mixed precision (needs a GPU).
        resume: ``'auto'`` for the latest checkpoint in the work dir, a
            checkpoint path, or None.
        auto_scale_lr: Scale the learning rate by the real total batch.
        no_validate: Drop the validation loop.
        pretrained: Checkpoint for every Pretrained init_cfg, or 'none'.

    Raises:
        ConfigError: an option cannot be honoured or a path is missing.
    """
    if amp:
        if not torch.cuda.is_available():
            raise ConfigError(
                '--amp needs a CUDA GPU; drop --amp to train '
                'on the CPU in full precision'
            )
        wrapper = cfg.optim_wrapper
        if wrapper.get('type', 'OptimWrapper') == 'AmpOptimWrapper':
            pass
        elif wrapper.get('type', 'OptimWrapper') == 'OptimWrapper':
            wrapper.type = 'AmpOptimWrapper'
            wrapper.setdefault('loss_scale', 'dynamic')
        else:
            raise ConfigError(
                f'--amp cannot convert optim_wrapper type {wrapper.type}; '
                'set optim_wrapper.type=AmpOptimWrapper in the config'
            )
    # --pretrained first: its file is checked (loaded weights-only) whatever
    # --resume names, before the resumed checkpoint's own checks.
    if pretrained is not None:
        set_pretrained(cfg, pretrained)
    check_pretrained(cfg)
    resolve_resume(cfg, resume)
    if auto_scale_lr:
        if (
            'auto_scale_lr' not in cfg
            or 'base_batch_size' not in cfg.auto_scale_lr
        ):
            raise ConfigError(
                '--auto-scale-lr needs auto_scale_lr.'
                'base_batch_size in the config'
            )
        cfg.auto_scale_lr.enable = True
    if no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    check_data_paths(
        cfg,
        ('train_dataloader',)
        if cfg.get('val_cfg') is None
        else ('train_dataloader', 'val_dataloader'),
    )
    make_augmentation_reproducible(cfg)
    add_training_guard(cfg)
    drop_disabled_hooks(cfg)
    return cfg


#: mmengine's own default hooks: it removes these itself when set to None.
_MMENGINE_DEFAULT_HOOKS = (
    'runtime_info',
    'timer',
    'sampler_seed',
    'logger',
    'param_scheduler',
    'checkpoint',
)


def drop_disabled_hooks(cfg: Config) -> None:
    """``default_hooks.NAME=None`` switches off a default hook of a config
    (e.g. the tiny regime's ``online_knn``) as mmengine allows for its own
    six; for other names its Runner asserts, so they are dropped here."""
    hooks = cfg.get('default_hooks')
    if not isinstance(hooks, dict):
        return
    for name in [k for k, v in hooks.items() if v is None]:
        if name not in _MMENGINE_DEFAULT_HOOKS:
            hooks.pop(name)


def add_training_guard(cfg: Config) -> None:
    """Append :class:`~ftcl_mm.engine.hooks.TrainingGuardHook` (a
    non-finite loss or an empty loader stops the run with one line)
    unless the config has one. Scoped by name, so that mmdet configs find
    it too."""
    hooks = list(cfg.get('custom_hooks') or [])
    if any('TrainingGuardHook' in str(h.get('type', '')) for h in hooks):
        return
    cfg.custom_hooks = hooks + [dict(type='mmpretrain.TrainingGuardHook')]
