"""Every way a checkpoint enters a training, checked before anything is
built: ``--pretrained`` (a backbone of the module's architecture, loaded
safely even beside ``--resume``), ``--resume`` (bare: the latest good
checkpoint of the work dir; a path: that file, trained with this model
type) and ``load_from``. Loading itself is
:func:`ftcl_mm.formats.checkpoint.load_source` (weights only); each
problem is one :class:`ConfigError` line naming the file, what it is and
what to run.
"""

from __future__ import annotations

import glob
import logging
import os.path as osp
from typing import List, Optional

import torch
from mmengine.config import Config

from ..formats.checkpoint import CheckpointError, load_source
from ..utils.errors import ConfigError
from ..utils.fileio import is_temp_name


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
    except CheckpointError as e:
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
    from ..formats.backbone_ckpt import describe

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
        except CheckpointError as e:
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
