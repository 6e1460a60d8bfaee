"""BYOL + positive Feature Transformation."""

from typing import Dict, List

import torch
import torch.nn as nn
from mmpretrain.models import BYOL
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from .ft_mixin import FeatureTransformMixin
from .latent_ft import ft_symmetric_latent_loss


@MODELS.register_module()
class BYOLFT(FeatureTransformMixin, BYOL):
    """BYOL with the online-prediction/target pair extrapolated. BYOL has no
    negatives, so only ``pos`` applies; ``neg=True`` is rejected.

    Args:
        ft: :class:`~ftcl_mm.models.FeatureTransform` arguments; None trains
            plain BYOL.
        **kwargs: Arguments of :class:`mmpretrain.models.BYOL`.
    """

    has_negatives = False

    def loss(
        self,
        inputs: List[torch.Tensor],
        data_samples: List[DataSample],
        **kwargs,
    ) -> Dict[str, torch.Tensor]:
        if not (self.ft.pos_active or self.recording):
            return super().loss(inputs, data_samples, **kwargs)
        v1, v2 = inputs[0], inputs[1]
        online_v1 = self.neck(self.backbone(v1))[0]
        online_v2 = self.neck(self.backbone(v2))[0]
        with torch.no_grad():
            self.target_net.update_parameters(
                nn.Sequential(self.backbone, self.neck)
            )
            target_v1 = self.target_net(v1)[0]
            target_v2 = self.target_net(v2)[0]
        loss, before, after = ft_symmetric_latent_loss(
            self.head,
            self.ft,
            [(online_v1, target_v2), (online_v2, target_v1)],
        )
        loss = 2.0 * loss
        self.record_scores(before, None, after)
        return dict(loss=loss)
