"""The C4 RoI shared head (ResNet stage 4) of a narrow ResNet.

mmdet's ``ResLayer`` hard-codes ResNet's width (64 * 2**stage channels), so a
C4 detector cannot take a backbone pretrained at another ``base_channels``
(the tiny regime's ResNet-18 at width 16). ``WidthResLayer`` is that head
with the width as an argument; at ``base_channels=64`` it builds exactly
mmdet's head (same module names, so converted checkpoints load into both).
"""

from __future__ import annotations

from typing import Optional

from mmdet.models.backbones import ResNet
from mmdet.models.layers import ResLayer as _ResLayer
from mmdet.models.roi_heads.shared_heads import ResLayer
from mmdet.registry import MODELS
from mmengine.model import BaseModule


@MODELS.register_module()
class WidthResLayer(ResLayer):
    """mmdet's C4 shared head with a configurable ResNet width.

    Args:
        depth: ResNet depth (18, 34, 50, 101, 152).
        base_channels: Width of the backbone's first stage; stage ``s``
            has ``base_channels * 2**s`` planes (64 in standard ResNets).
        stage: Index of the ResNet stage this head runs (3: ``layer4``).
        stride: Stride of the stage's first block.
        dilation: Dilation of the stage.
        style: ``'pytorch'`` or ``'caffe'`` bottleneck stride placement.
        norm_cfg: Normalisation layers.
        norm_eval: Keep BN layers in eval mode while training.
        with_cp: Gradient checkpointing.
        dcn: Deformable convolution config.
        init_cfg: Initialisation (e.g. ``Pretrained`` with the converted
            backbone; the keys are ``layer{stage + 1}.*`` as in mmdet).
    """

    def __init__(
        self,
        depth: int,
        base_channels: int = 64,
        stage: int = 3,
        stride: int = 2,
        dilation: int = 1,
        style: str = 'pytorch',
        norm_cfg: dict = dict(type='BN', requires_grad=True),
        norm_eval: bool = True,
        with_cp: bool = False,
        dcn: Optional[dict] = None,
        init_cfg: Optional[dict] = None,
    ) -> None:
        # Skip ResLayer.__init__: it would first build the 64-wide stage.
        BaseModule.__init__(self, init_cfg)
        self.norm_eval = norm_eval
        self.norm_cfg = norm_cfg
        self.stage = stage
        self.fp16_enabled = False
        block, stage_blocks = ResNet.arch_settings[depth]
        planes = base_channels * 2**stage
        inplanes = base_channels * 2 ** (stage - 1) * block.expansion
        self.add_module(
            f'layer{stage + 1}',
            _ResLayer(
                block,
                inplanes,
                planes,
                stage_blocks[stage],
                stride=stride,
                dilation=dilation,
                style=style,
                with_cp=with_cp,
                norm_cfg=norm_cfg,
                dcn=dcn,
            ),
        )
        if init_cfg is None:  # mmdet's default for this head
            self.init_cfg = [
                dict(type='Kaiming', layer='Conv2d'),
                dict(
                    type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm']
                ),
            ]
