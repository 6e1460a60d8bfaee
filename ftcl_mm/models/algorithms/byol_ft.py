"""BYOL + positive Feature Transformation."""
from typing import Dict, List, Optional

import torch
import torch.nn as nn
from mmpretrain.models import BYOL
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from .base import build_feature_transform, ft_symmetric_latent_loss


@MODELS.register_module()
class BYOLFT(BYOL):
    """BYOL with the online-prediction/target pair extrapolated. BYOL has no
    negatives, so only ``pos`` applies; ``neg=True`` is rejected.

    Args:
        ft: :class:`~ftcl_mm.models.FeatureTransform` arguments; None trains
            plain BYOL.
        **kwargs: Arguments of :class:`mmpretrain.models.BYOL`.
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
            v1, v2 = inputs[0], inputs[1]
            online_v1 = self.neck(self.backbone(v1))[0]
            online_v2 = self.neck(self.backbone(v2))[0]
            with torch.no_grad():
                self.target_net.update_parameters(
                    nn.Sequential(self.backbone, self.neck))
                target_v1 = self.target_net(v1)[0]
                target_v2 = self.target_net(v2)[0]
            losses = dict(loss=2. * ft_symmetric_latent_loss(
                self.head, self.ft, [(online_v1, target_v2),
                                     (online_v2, target_v1)]))
        self.ft.next_step()
        return losses
