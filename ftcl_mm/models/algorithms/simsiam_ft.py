"""SimSiam + positive Feature Transformation."""

from typing import Dict, List

import torch
from mmpretrain.models import SimSiam
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from .ft_mixin import FeatureTransformMixin
from .latent_ft import ft_symmetric_latent_loss


@MODELS.register_module()
class SimSiamFT(FeatureTransformMixin, SimSiam):
    """SimSiam with the prediction/target pair extrapolated (paper Table 3:
    77.1 -> 77.8 on IN-100). SimSiam has no negatives, so only ``pos``
    applies; ``neg=True`` is rejected.

    Args:
        ft: :class:`~ftcl_mm.models.FeatureTransform` arguments; None trains
            plain SimSiam.
        **kwargs: Arguments of :class:`mmpretrain.models.SimSiam`.
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
        z1 = self.neck(self.backbone(inputs[0]))[0]
        z2 = self.neck(self.backbone(inputs[1]))[0]
        loss, before, after = ft_symmetric_latent_loss(
            self.head, self.ft, [(z1, z2), (z2, z1)]
        )
        loss = 0.5 * loss
        self.record_scores(before, None, after)
        return dict(loss=loss)
