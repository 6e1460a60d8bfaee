"""SimSiam + positive Feature Transformation."""
from typing import Dict, List, Optional

import torch
from mmpretrain.models import SimSiam
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from .base import build_feature_transform, ft_symmetric_latent_loss


@MODELS.register_module()
class SimSiamFT(SimSiam):
    """SimSiam with the prediction/target pair extrapolated (paper Table 3:
    77.1 -> 77.8 on IN-100). SimSiam has no negatives, so only ``pos``
    applies; ``neg=True`` is rejected.

    Args:
        ft: :class:`~ftcl_mm.models.FeatureTransform` arguments; None trains
            plain SimSiam.
        **kwargs: Arguments of :class:`mmpretrain.models.SimSiam`.
    """

    def __init__(self, *args, ft: Optional[dict] = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ft = build_feature_transform(ft, has_negatives=False,
                                          owner=type(self).__name__)

    def loss(self, inputs: List[torch.Tensor], data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        if not (self.ft.pos_active or self.ft.record_scores):
            losses = super().loss(inputs, data_samples, **kwargs)
        else:
            z1 = self.neck(self.backbone(inputs[0]))[0]
            z2 = self.neck(self.backbone(inputs[1]))[0]
            losses = dict(loss=0.5 * ft_symmetric_latent_loss(
                self.head, self.ft, [(z1, z2), (z2, z1)]))
        self.ft.next_step()
        return losses
