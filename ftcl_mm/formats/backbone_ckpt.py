"""Extract a ResNet backbone from a training checkpoint for transfer.

Reads an mmengine training checkpoint of any algorithm here (or an already
extracted backbone file) and returns backbone weights in one of three key
layouts:

* ``mmdet`` (also mmpretrain): ``conv1.weight``, ``layer1.0.bn1.weight`` ...,
  saved as ``{'state_dict': ..., 'meta': ...}`` for ``init_cfg=Pretrained``
  of both the detector backbone and the C4 shared head (res5 = layer4);
* ``torchvision``: the same names as a bare state dict
  (``resnet50().load_state_dict(sd, strict=False)`` misses only ``fc``);
* ``detectron2``: ``stem.conv1``, ``res2``-``res5``, ``convN.norm``,
  ``shortcut``; a pickle of numpy arrays with ``matching_heuristics``.

Tensors only (plus plain metadata), so the mmdet/torchvision files load
under ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import os.path as osp
import pickle
import re
from collections import OrderedDict
from typing import Dict, List, Tuple

import torch

from ..utils.fileio import atomic_open
from .checkpoint import CheckpointError, load_source

FORMATS = ('mmdet', 'torchvision', 'detectron2')

#: Where each algorithm keeps its encoders' backbone in the state dict.
ENCODER_PREFIXES = {
    'online': ('backbone.',),
    # MoCo: ExponentialMovingAverage(Sequential(backbone, neck));
    # BYOL: CosineEMA(Sequential(backbone, neck)).
    'momentum': ('encoder_k.module.0.', 'target_net.module.0.'),
}


# Loading is formats.checkpoint's (training's resume and checks use it too);
# its error is the converter's.
ConvertError = CheckpointError


def extract_backbone(
    ckpt: dict, encoder: str = 'online'
) -> Tuple['OrderedDict[str, torch.Tensor]', str]:
    """Backbone tensors (ResNet key names) and where they came from.

    Raises:
        ConvertError: no backbone of the requested encoder is present.
    """
    if encoder not in ENCODER_PREFIXES:
        raise ConvertError(
            f'encoder must be one of '
            f'{sorted(ENCODER_PREFIXES)}, got {encoder!r}'
        )
    state = ckpt.get('state_dict', ckpt)
    if not isinstance(state, dict):
        raise ConvertError('the checkpoint has no state_dict')
    for prefix in ENCODER_PREFIXES[encoder]:
        out = OrderedDict(
            (k[len(prefix) :], v)
            for k, v in state.items()
            if k.startswith(prefix) and isinstance(v, torch.Tensor)
        )
        if out:
            if encoder == 'online':
                out.update(_c4_shared_head(state, out))
            return out, prefix
    if (
        encoder == 'online'
        and 'conv1.weight' in state
        and any(k.startswith('layer1.') for k in state)
    ):
        # Already an extracted backbone (mmdet/torchvision names).
        out = OrderedDict(
            (k, v)
            for k, v in state.items()
            if isinstance(v, torch.Tensor) and not k.startswith('fc.')
        )
        return out, ''
    kind = (
        'a momentum encoder (MoCo encoder_k / BYOL target_net)'
        if encoder == 'momentum'
        else "keys starting with 'backbone.'"
    )
    raise ConvertError(
        f'the checkpoint has no backbone weights (expected '
        f'{kind}); pass a training checkpoint of ftcl_mm/'
        'mmpretrain or an extracted ResNet backbone'
    )


#: Where an mmdet C4 detector (Faster/Mask R-CNN R50-C4) keeps res5: its
#: RoI head's shared head runs the backbone's last stage on each RoI.
C4_SHARED_HEAD = 'roi_head.shared_head.'


def _c4_shared_head(
    state: Dict[str, torch.Tensor], backbone: Dict[str, torch.Tensor]
) -> 'OrderedDict[str, torch.Tensor]':
    """The ``layerN.*`` tensors of a C4 detector's shared head for the
    stages its backbone lacks (a C4 detector's backbone stops at res4), so
    a fine-tuned detector converts to a whole ResNet."""
    out = OrderedDict()
    for k, v in state.items():
        if not k.startswith(C4_SHARED_HEAD) or not isinstance(v, torch.Tensor):
            continue
        name = k[len(C4_SHARED_HEAD) :]
        stage = name.split('.', 1)[0]
        if re.fullmatch(r'layer\d', stage) and not any(
            b.startswith(f'{stage}.') for b in backbone
        ):
            out[name] = v
    return out


def stage_blocks(backbone: Dict[str, torch.Tensor]) -> List[int]:
    """Residual blocks per stage (``layer1``-``layer4``)."""
    blocks = []
    for stage in range(1, 5):
        idx = {
            int(m.group(1))
            for k in backbone
            if (m := re.match(rf'layer{stage}\.(\d+)\.', k))
        }
        blocks.append(len(idx))
    return blocks


def check_complete(backbone: Dict[str, torch.Tensor]) -> None:
    """A transferable ResNet has its stem and all four stages.

    Raises:
        ConvertError: naming the missing stages (a half backbone would
            leave them at random init downstream, silently).
    """
    blocks = stage_blocks(backbone)
    missing = [f'layer{i + 1}' for i, n in enumerate(blocks) if n == 0]
    if 'conv1.weight' not in backbone:
        missing.insert(0, 'conv1 (stem)')
    if missing:
        raise ConvertError(
            f'the backbone lacks {", ".join(missing)} (blocks per stage '
            f'{blocks}), so it would transfer with random weights there; '
            'pass a checkpoint with the whole ResNet (a pretraining '
            'checkpoint, or a C4 detector whose res5 is in '
            f"'{C4_SHARED_HEAD}layer4')"
        )


def describe(backbone: Dict[str, torch.Tensor]) -> str:
    """'ResNet-50' etc. from the block structure."""
    blocks = stage_blocks(backbone)
    bottleneck = any('.conv3.' in k for k in backbone)
    depths = {
        (2, 2, 2, 2, False): 18,
        (3, 4, 6, 3, False): 34,
        (3, 4, 6, 3, True): 50,
        (3, 4, 23, 3, True): 101,
        (3, 8, 36, 3, True): 152,
    }
    depth = depths.get((*blocks, bottleneck))
    return f'ResNet-{depth}' if depth else f'ResNet with blocks {blocks}'


def to_detectron2(backbone: Dict[str, torch.Tensor]) -> Dict[str, object]:
    """detectron2 names (MoCo's converter rules) as numpy arrays."""
    out = OrderedDict()
    for k, v in backbone.items():
        if 'num_batches_tracked' in k:
            continue
        new = k if 'layer' in k else 'stem.' + k
        for t in (1, 2, 3, 4):
            new = new.replace(f'layer{t}', f'res{t + 1}')
        for t in (1, 2, 3):
            new = new.replace(f'bn{t}', f'conv{t}.norm')
        new = new.replace('downsample.0', 'shortcut')
        new = new.replace('downsample.1', 'shortcut.norm')
        out[new] = v.detach().cpu().numpy()
    return dict(model=out, __author__='ftcl_mm', matching_heuristics=True)


def write_atomic(obj, dst: str, use_pickle: bool = False) -> None:
    """Write to a temp file beside ``dst`` and rename (never half-written)."""
    with atomic_open(dst, 'wb') as f:
        if use_pickle:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        else:
            torch.save(obj, f)


def extract_neck(
    ckpt: dict, backbone_prefix: str
) -> 'OrderedDict[str, torch.Tensor]':
    """The neck tensors of the encoder whose backbone has
    ``backbone_prefix`` (LooC++ evaluates on the neck's spaces)."""
    state = ckpt.get('state_dict', ckpt)
    if backbone_prefix == 'backbone.':
        prefix = 'neck.'
    elif backbone_prefix.endswith('.0.'):  # Sequential(backbone, neck)
        prefix = backbone_prefix[:-2] + '1.'
    else:
        prefix = None
    out = OrderedDict(
        (k[len(prefix) :], v)
        for k, v in state.items()
        if prefix and k.startswith(prefix) and isinstance(v, torch.Tensor)
    )
    if not out:
        raise ConvertError(
            '--with-neck: the checkpoint has no neck weights '
            'beside its backbone; pass a training checkpoint'
        )
    return out


def convert(
    src: str,
    dst: str,
    fmt: str = 'mmdet',
    encoder: str = 'online',
    force: bool = False,
    with_neck: bool = False,
) -> Dict[str, object]:
    """Convert ``src`` to a backbone-only file ``dst`` (with
    ``with_neck``: ``backbone.*`` and ``neck.*`` tensors, for an mmpretrain
    classifier's model-level ``init_cfg=Pretrained``, e.g. LooC++).

    Returns:
        A summary dict (architecture, tensors, source iteration/epoch).

    Raises:
        ConvertError: bad input or an existing ``dst`` without ``force``.
    """
    if fmt not in FORMATS:
        raise ConvertError(f'--format must be one of {FORMATS}, got {fmt!r}')
    if osp.isdir(dst):
        raise ConvertError(
            f'{dst} is a directory; pass the output file name, e.g. '
            f'{osp.join(dst, "backbone.pth")}'
        )
    if osp.realpath(src) == osp.realpath(dst) or (
        osp.exists(src) and osp.exists(dst) and osp.samefile(src, dst)
    ):
        # --force must not turn a training checkpoint into its backbone.
        raise ConvertError(
            f'source and output are the same file ({src}); pass another '
            'output file name, e.g. backbone.pth'
        )
    if osp.exists(dst) and not force:
        raise ConvertError(f'{dst} already exists; pass --force to overwrite')
    if with_neck and fmt != 'mmdet':
        raise ConvertError(
            '--with-neck writes mmpretrain keys; use it with --format mmdet'
        )
    ckpt = load_source(src)
    backbone, prefix = extract_backbone(ckpt, encoder)
    check_complete(backbone)
    neck = extract_neck(ckpt, prefix) if with_neck else {}
    meta = ckpt.get('meta') if isinstance(ckpt.get('meta'), dict) else {}
    summary = dict(
        arch=describe(backbone),
        tensors=len(backbone),
        source_prefix=prefix or '(extracted backbone)',
        iter=meta.get('iter'),
        epoch=meta.get('epoch'),
        format=fmt,
        encoder=encoder,
    )
    if fmt == 'detectron2':
        write_atomic(to_detectron2(backbone), dst, use_pickle=True)
    elif fmt == 'torchvision':
        write_atomic(backbone, dst)
    else:
        plain_meta = {
            k: v
            for k, v in summary.items()
            if isinstance(v, (int, str)) or v is None
        }
        if with_neck:
            summary['tensors'] += len(neck)
            plain_meta['tensors'] = summary['tensors']
            backbone = OrderedDict(
                [(f'backbone.{k}', v) for k, v in backbone.items()]
                + [(f'neck.{k}', v) for k, v in neck.items()]
            )
        write_atomic(dict(state_dict=backbone, meta=plain_meta), dst)
    return summary
