"""LooC's projection: one shared layer, one head per embedding space."""

from typing import List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

OUTPUTS = ('spaces', 'concat')


@MODELS.register_module()
class LooCNeck(BaseModule):
    """Shared ``fc-ReLU`` then ``num_spaces`` linear heads.

    With one space this is MoCo v2's ``NonLinearNeck`` (fc-ReLU-fc, no BN).
    With ``norm_cfg`` each linear layer is followed by that norm, the
    heads' without affine parameters (``fc-BN-ReLU``, then ``fc-BN`` per
    space): the projector of the tiny MoCo v2 recipe, where the plain MLP
    let every score drift to ~1 (docs/reports/narratives/tiny_regime.md).

    Args:
        in_channels: Backbone channels (after global average pooling).
        hid_channels: Width of the shared layer.
        out_channels: Dimension of each embedding space.
        num_spaces: ``n + 1``: the all-invariant space and one per factor.
        output: ``'spaces'`` (training: a tuple of ``num_spaces`` B x d
            embeddings) or ``'concat'`` (LooC++ downstream: a 1-tuple of the
            concatenated, per-space L2-normalised embeddings).
        norm_cfg: Norm after each linear layer (e.g. ``dict(type='BN1d')``
            or SplitBN); None: no norm (the paper's projector).
        init_cfg: mmengine initialisation config.
    """

    def __init__(
        self,
        in_channels: int,
        hid_channels: int,
        out_channels: int,
        num_spaces: int = 3,
        output: str = 'spaces',
        init_cfg: Optional[Union[dict, List[dict]]] = dict(
            type='Normal', std=0.01, layer='Linear'
        ),
        norm_cfg: Optional[dict] = None,
    ) -> None:
        super().__init__(init_cfg)
        if num_spaces < 1:
            raise ValueError(f'num_spaces must be >= 1, got {num_spaces}')
        if output not in OUTPUTS:
            raise ValueError(
                f'output must be one of {OUTPUTS}, got {output!r}'
            )
        self.num_spaces = num_spaces
        self.output = output
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))

        def norm(channels: int, affine: bool = True) -> List[nn.Module]:
            if norm_cfg is None:
                return []
            from mmcv.cnn import build_norm_layer

            return [
                build_norm_layer(dict(norm_cfg, affine=affine), channels)[1]
            ]

        self.shared = nn.Sequential(
            nn.Linear(in_channels, hid_channels),
            *norm(hid_channels),
            nn.ReLU(inplace=True),
        )
        self.heads = nn.ModuleList(
            nn.Sequential(
                nn.Linear(hid_channels, out_channels),
                *norm(out_channels, affine=False),
            )
            if norm_cfg is not None
            else nn.Linear(hid_channels, out_channels)
            for _ in range(num_spaces)
        )

    def forward(self, x: Sequence[torch.Tensor]) -> Tuple[torch.Tensor, ...]:
        h = self.shared(torch.flatten(self.avgpool(x[-1]), 1))
        spaces = tuple(head(h) for head in self.heads)
        if self.output == 'concat':
            return (torch.cat([F.normalize(z, dim=1) for z in spaces], 1),)
        return spaces
