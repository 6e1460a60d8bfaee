"""From a config file and command-line flags to what the Runner gets.

The one home of config preparation (:func:`prepare_training` is all of
it, in order): load the file, merge ``--cfg-options``, pick and check the
work dir, apply the flags (``--resume``, ``--pretrained``, ``--amp``,
...), check data paths and checkpoints up front, rewrite the training
sampler/dataset for reproducible augmentation, check the config's keys and
values (:mod:`.config_check`) and set up CPU distributed training
(:mod:`.model_wrappers`). Every mistake is one :class:`ConfigError` line
before anything is built. Kept out of ``tools/`` so that it is importable
and testable.
"""

from __future__ import annotations

import glob
import logging
import os.path as osp
from typing import Iterator, List, Optional, Tuple

import torch
from mmengine.config import Config

from ..utils.ckpt_convert import ConvertError, load_source
from ..utils.errors import ConfigError
from ..utils.fileio import is_temp_name
from .work_dir import check_reuse, check_work_dir

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


def check_data_paths(cfg: Config, loaders=_LOADERS) -> None:
    """Fail early, with one actionable line, if a dataset path is missing.

    Raises:
        ConfigError: a ``data_root`` or ``ann_file`` does not exist.
    """
    for loader in loaders:
        loader_cfg = cfg.get(loader)
        if not isinstance(loader_cfg, dict):
            continue
        for path, ds in _dataset_cfgs(
            loader_cfg.get('dataset'), f'{loader}.dataset'
        ):
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


def _pretrained_owners(node, path: str = 'model'):
    """Yield ``(dotted path, module cfg)`` of every module config whose
    ``init_cfg`` is of type Pretrained."""
    if isinstance(node, dict):
        init = node.get('init_cfg')
        if isinstance(init, dict) and init.get('type') == 'Pretrained':
            yield f'{path}.init_cfg', node
        for k, v in node.items():
            if k != 'init_cfg':
                yield from _pretrained_owners(v, f'{path}.{k}')
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _pretrained_owners(v, f'{path}.{i}')


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


#: Children of a detector that a backbone checkpoint never holds.
_DETECTOR_PARTS = ('rpn_head.', 'roi_head.', 'bbox_head.', 'mask_head.')


def _remote(path: str) -> bool:
    """A URL that mmengine downloads (a local file whose name contains
    ``://`` is a local file, loaded through the safe check)."""
    return '://' in str(path) and not osp.exists(path)


def check_checkpoint(
    path: str, option: str, backbone: bool = False
) -> Optional[dict]:
    """Load ``path`` safely (weights only) before training starts, so a bad
    file costs seconds and one line, not a traceback after the datasets
    and model are built.

    Args:
        path: The checkpoint file.
        option: How the user passed it (``--pretrained``, ``--resume``,
            ``load_from``), for the message.
        backbone: A backbone is expected (``--pretrained``): a detector
            checkpoint is refused.

    Returns:
        The loaded checkpoint (None for a remote one, which mmengine
        downloads itself).

    Raises:
        ConfigError: missing, truncated, not a checkpoint, holding foreign
            objects (never loaded with ``weights_only=False``), or a
            detector where a backbone is expected.
    """
    if _remote(path):
        return None  # remote: mmengine downloads it
    try:
        ckpt = load_source(path)
    except ConvertError as e:
        raise ConfigError(
            f'{option} {e}; pass a checkpoint written by ftcl_mm/mmengine '
            '(backbones: tools/convert_ckpt.py)'
        ) from None
    if backbone:
        state = ckpt.get('state_dict', ckpt)
        if any(str(k).startswith(_DETECTOR_PARTS) for k in state):
            raise ConfigError(
                f'{option} {path} is a detector checkpoint, but a backbone is '
                'expected; extract the backbone of a pretraining checkpoint '
                'with tools/convert_ckpt.py (or use load_from for a whole '
                'detector)'
            )
    return ckpt


def _training_prefix(state: dict) -> Optional[str]:
    """The prefix under which a training checkpoint keeps its backbone
    (``backbone.``, ``target.backbone.``, ...), or None."""
    for key in state:
        head, sep, _ = str(key).partition('layer1.0.conv1.weight')
        if sep and head:
            return head
    return None


def _expected_state(owner: dict, scope: Optional[str]) -> Optional[dict]:
    """Shapes of the state dict the module ``owner`` describes (built
    without its init_cfg in ``scope``'s registry), or None where it cannot
    be built here."""
    from mmengine.registry import MODELS as ROOT_MODELS

    cfg = {k: v for k, v in owner.items() if k != 'init_cfg'}
    try:
        with ROOT_MODELS.switch_scope_and_registry(
            scope or 'mmpretrain'
        ) as registry:
            module = registry.build(cfg)
    except Exception:  # an exotic module: mmengine's own load reports it
        return None
    return {
        k: tuple(v.shape)
        for k, v in module.state_dict().items()
        if not k.endswith('num_batches_tracked')
    }


def check_architecture(
    ckpt: dict,
    owner: dict,
    path: str,
    where: str,
    scope: Optional[str] = None,
) -> None:
    """A pretrained ResNet must be a backbone of the config's architecture.

    mmengine loads a Pretrained init_cfg non-strictly: a tensor of another
    shape, or a key under another prefix, is skipped with a log line and
    stays at random init, so a width-16 backbone in a width-64 detector,
    or a whole training checkpoint (keys under ``backbone.``) in a linear
    probe, would train from scratch without a word. Checked for ResNet
    modules: the checkpoint holds the backbone at the top level (else:
    convert it first), of the config's depth and width, and every key the
    module expects with its shape.

    Args:
        ckpt: The loaded checkpoint.
        owner: The module config whose init_cfg points at it.
        path: The checkpoint file, for the message.
        where: The module's dotted path in the config.
        scope: The config's ``default_scope`` (whose registry builds the
            module for the key check).

    Raises:
        ConfigError: naming what the checkpoint is and what to run or
            change.
    """
    from ..utils.ckpt_convert import describe

    if 'ResNet' not in str(owner.get('type', '')) or 'depth' not in owner:
        return
    state = ckpt.get('state_dict', ckpt)
    prefix = owner['init_cfg'].get('prefix')
    if prefix:
        prefix = prefix if prefix.endswith('.') else prefix + '.'
        n = len(prefix)
        state = {k[n:]: v for k, v in state.items() if k.startswith(prefix)}
    first = state.get('layer1.0.conv1.weight')
    if not isinstance(first, torch.Tensor):
        inner = _training_prefix(state)
        if inner is not None:
            raise ConfigError(
                f'pretrained checkpoint {path} is a training checkpoint (its '
                f"backbone is under '{inner}'), but {where} expects a "
                'backbone; extract it first: python tools/convert_ckpt.py '
                f'{path} backbone.pth, then pass --pretrained backbone.pth'
            )
        raise ConfigError(
            f'pretrained checkpoint {path} holds no ResNet backbone weights '
            f'(no layer1.0.conv1.weight{" under " + prefix if prefix else ""}'
            f'); pass a backbone written by tools/convert_ckpt.py'
        )
    have_width, want_width = first.shape[0], owner.get('base_channels', 64)
    have, want = describe(state), f'ResNet-{owner["depth"]}'
    if (have, have_width) != (want, want_width):
        raise ConfigError(
            f'pretrained checkpoint {path} is a {have} of width {have_width} '
            f'(layer1 channels), but {where} expects a {want} of width '
            f'{want_width}; pass a backbone pretrained with that '
            'architecture or change the config (depth, base_channels)'
        )
    expected = _expected_state(owner, scope)
    if expected is None:
        return
    for key, shape in expected.items():
        got = state.get(key)
        got = tuple(got.shape) if isinstance(got, torch.Tensor) else None
        if got != shape:
            found = 'is missing' if got is None else f'has shape {got}'
            raise ConfigError(
                f'pretrained checkpoint {path}: {key} {found}, but {where} '
                f'expects {shape}; pass a backbone pretrained with this '
                'architecture (stem, stages) or change the config'
            )


def _checkpoints_newest_first(work_dir: str) -> List[str]:
    """Finished checkpoint files in ``work_dir``, newest first."""
    found = [
        p
        for p in glob.glob(osp.join(work_dir, '*.pth'))
        if osp.isfile(p) and not is_temp_name(p)
    ]
    return sorted(found, key=lambda p: (osp.getmtime(p), p), reverse=True)


def _readable(path: str) -> bool:
    try:
        check_checkpoint(path, '--resume')
    except ConfigError:
        return False
    return True


def latest_resumable(work_dir: str) -> Optional[str]:
    """The checkpoint a bare ``--resume`` continues from, checked.

    mmengine's :func:`~mmengine.runner.find_latest_checkpoint` names it
    (``<work_dir>/last_checkpoint``); without that file, the newest
    ``*.pth`` of the work dir (a run killed between saving and recording).

    Returns:
        The checkpoint path, or None when the work dir holds none.

    Raises:
        ConfigError: the latest checkpoint is missing, truncated or unsafe;
            the message names the newest readable one, if any.
    """
    from mmengine.runner import find_latest_checkpoint

    candidates = _checkpoints_newest_first(work_dir)
    latest = None
    if osp.isfile(osp.join(work_dir, 'last_checkpoint')):
        latest = find_latest_checkpoint(work_dir) or None
    elif candidates:
        latest = candidates[0]
    if latest is None:
        return None
    if not osp.isfile(latest):
        problem = f'{latest} (named in {work_dir}/last_checkpoint) is missing'
    else:
        try:
            load_source(latest)
            return latest
        except ConvertError as e:
            problem = (
                f'the latest checkpoint {latest} is damaged: it {e.reason}'
            )
    good = next(
        (
            p
            for p in candidates
            if osp.abspath(p) != osp.abspath(latest) and _readable(p)
        ),
        None,
    )
    fix = (
        f'the last good one is {good}: resume from it with --resume {good}'
        if good
        else f'no other checkpoint in {work_dir} is readable: train without '
        '--resume (or another --work-dir) to start afresh'
    )
    raise ConfigError(f'--resume: {problem}; {fix}')


def resolve_resume(cfg: Config, resume: Optional[str]) -> None:
    """Turn ``--resume``/``load_from`` into checked ``cfg.resume`` and
    ``cfg.load_from``: every path a checkpoint can enter by is loaded
    safely (weights only) here, before anything is built.

    Args:
        cfg: The config; ``work_dir`` must be set.
        resume: ``'auto'`` (bare ``--resume``): the latest checkpoint of
            the work dir, or a warning and a fresh start when there is
            none; a path: that checkpoint; None: only ``load_from`` (if
            the config sets one) is checked.

    Raises:
        ConfigError: a missing, damaged or unsafe checkpoint.
    """
    if resume == 'auto':
        latest = latest_resumable(cfg.work_dir)
        if latest is None:
            from mmengine.logging import print_log

            print_log(
                f'--resume: no checkpoint in {cfg.work_dir} to resume '
                'from; training starts from scratch',
                logger='current',
                level=logging.WARNING,
            )
            cfg.resume, cfg.load_from = False, None
        else:
            # An explicit path: mmengine then resumes from exactly the
            # file checked here.
            cfg.resume, cfg.load_from = True, latest
        return
    if resume is not None:
        if not osp.isfile(resume):
            raise ConfigError(
                f"checkpoint '{resume}' given to --resume does not exist; "
                'pass an existing .pth file or --resume alone for the '
                'latest in the work dir'
            )
        cfg.resume, cfg.load_from = True, resume
    load_from = cfg.get('load_from')
    if not load_from or _remote(load_from):
        return
    option = '--resume' if resume is not None else 'load_from'
    if not osp.isfile(load_from):
        raise ConfigError(
            f"load_from checkpoint '{load_from}' does not exist; point "
            'load_from at an existing .pth file (or set load_from=None)'
        )
    ckpt = check_checkpoint(load_from, option)
    if cfg.get('resume') and ckpt is not None:
        check_resume_model(ckpt, cfg, load_from)


def _saved_model_type(ckpt: dict) -> Optional[str]:
    """The model ``type`` of the config a checkpoint was trained with
    (mmengine keeps the config's text in ``meta['cfg']``), read from the
    text's syntax tree: the text is never executed."""
    import ast

    text = (ckpt.get('meta') or {}).get('cfg')
    if not isinstance(text, str):
        return None
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(getattr(t, 'id', None) == 'model' for t in node.targets)
            and isinstance(node.value, ast.Call)
        ):
            for kw in node.value.keywords:
                if kw.arg == 'type' and isinstance(kw.value, ast.Constant):
                    return str(kw.value.value)
    return None


def check_resume_model(ckpt: dict, cfg: Config, path: str) -> None:
    """A resumed checkpoint was trained with this config's model type
    (resuming a MoCo checkpoint into a SimCLR config fails deep in the
    optimizer's state with a traceback).

    Raises:
        ConfigError: naming both model types.
    """
    saved = _saved_model_type(ckpt)
    want = (cfg.get('model') or {}).get('type')
    if saved and want and saved.split('.')[-1] != str(want).split('.')[-1]:
        raise ConfigError(
            f'--resume: {path} was trained with model type {saved}, this '
            f'config trains {want}; resume it with the config it was '
            'trained with (a copy is in its work dir) or start afresh with '
            'another --work-dir'
        )


def check_pretrained(cfg: Config) -> None:
    """Every Pretrained init_cfg's checkpoint exists, loads safely and is
    a backbone of the module's architecture (mmengine loads it even when
    the run resumes: weights are initialised before the resume).

    Raises:
        ConfigError: naming the checkpoint, what it is and what to run.
    """
    for path, owner in _pretrained_owners(cfg.get('model', {})):
        ckpt = str(owner['init_cfg'].get('checkpoint', ''))
        if ckpt and not _remote(ckpt) and not osp.isfile(ckpt):
            raise ConfigError(
                f"pretrained checkpoint '{ckpt}' ({path}) does not exist; "
                'convert a pretraining checkpoint with tools/convert_ckpt.py '
                'and pass --pretrained PATH (or --pretrained none for random '
                'initialisation)'
            )
        if ckpt:
            loaded = check_checkpoint(ckpt, '--pretrained', backbone=True)
            if loaded is not None:
                check_architecture(
                    loaded,
                    owner,
                    ckpt,
                    path[: -len('.init_cfg')],
                    cfg.get('default_scope'),
                )


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
    if pretrained is not None:
        set_pretrained(cfg, pretrained)
    check_pretrained(cfg)
    check_data_paths(
        cfg,
        ('train_dataloader',)
        if cfg.get('val_cfg') is None
        else ('train_dataloader', 'val_dataloader'),
    )
    make_augmentation_reproducible(cfg)
    add_training_guard(cfg)
    return cfg


def add_training_guard(cfg: Config) -> None:
    """Append :class:`~ftcl_mm.engine.hooks.TrainingGuardHook` (a
    non-finite loss or an empty loader stops the run with one line)
    unless the config has one. Scoped by name, so that mmdet configs find
    it too."""
    hooks = list(cfg.get('custom_hooks') or [])
    if any('TrainingGuardHook' in str(h.get('type', '')) for h in hooks):
        return
    cfg.custom_hooks = hooks + [dict(type='mmpretrain.TrainingGuardHook')]
