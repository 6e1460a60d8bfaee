"""SimCLR + Feature Transformation."""

from typing import Dict, List

import torch
from mmpretrain.models import SimCLR
from mmpretrain.models.selfsup.simclr import GatherLayer
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from .ft_mixin import FeatureTransformMixin


@MODELS.register_module()
class SimCLRFT(FeatureTransformMixin, SimCLR):
    """SimCLR with extrapolated positive pairs and interpolated negatives.

    SimCLR's 2N in-batch features are interleaved pairs ``(2i, 2i+1)``.
    With FT, each pair is extrapolated symmetrically (one lambda per pair;
    both members carry gradients, as in SimCLR). The negatives of anchor
    ``a`` are the 2N-2 features outside its pair; negative interpolation
    mixes each of them with another of *the same anchor's* negatives (a
    shared random permutation of the 2N-2 negative slots), so a mixed
    negative never contains the anchor or its positive. With one lambda per
    negative this mixes the (2N, 2N-2) scores; dimension-level mixing
    materialises the (2N, 2N-2, d) negative features.

    The official FT code exists for MoCo only, where the key is detached
    before the mix. In SimCLR both members carry gradients, so the
    partner's ``(1 - lam)`` term also moves each feature through its
    partner's loss; ``detach_partner=True`` detaches the partner inside the
    mix (``a_hat = lam a + (1 - lam) sg(b)``, ``b_hat = lam b + (1 - lam)
    sg(a)``, one ``lam``), the reading closest to MoCo's.

    Args:
        ft: :class:`~ftcl_mm.models.FeatureTransform` arguments; None trains
            plain SimCLR.
        detach_partner: Detach the partner inside the positive mix (off:
            both members carry gradients, as SimCLR's pairs do).
        **kwargs: Arguments of :class:`mmpretrain.models.SimCLR`.
    """

    def __init__(self, *args, detach_partner: bool = False, **kwargs):
        if not isinstance(detach_partner, bool):
            raise ValueError(
                f'detach_partner must be True or False, got {detach_partner!r}'
            )
        super().__init__(*args, **kwargs)
        self.detach_partner = detach_partner

    def loss(
        self,
        inputs: List[torch.Tensor],
        data_samples: List[DataSample],
        **kwargs,
    ) -> Dict[str, torch.Tensor]:
        if self.ft.pos_active or self.ft.neg_active or self.recording:
            return self._ft_loss(inputs)
        return super().loss(inputs, data_samples, **kwargs)

    def _ft_loss(self, inputs: List[torch.Tensor]) -> Dict[str, torch.Tensor]:
        """SimCLR's loss with the transformed pairs and negatives (also used
        with FT off while scores are recorded: same loss, scores exposed)."""
        inputs = torch.stack(inputs, 1)
        inputs = inputs.reshape((inputs.size(0) * 2,) + inputs.shape[2:])
        z = self.neck(self.backbone(inputs))[0]
        z = z / (torch.norm(z, p=2, dim=1, keepdim=True) + 1e-10)
        z = torch.cat(GatherLayer.apply(z), dim=0)  # (2N) x d, interleaved
        n2 = z.size(0)
        pairs = z.view(n2 // 2, 2, -1)
        a, b = pairs[:, 0], pairs[:, 1]
        if self.detach_partner and self.ft.pos_active:
            lam = self.ft.positive_lambda(a)
            a_hat, _ = self.ft.extrapolate_positives(a, b.detach(), lam)
            _, b_hat = self.ft.extrapolate_positives(a.detach(), b, lam)
        else:
            a_hat, b_hat = self.ft.extrapolate_positives(a, b)
        z_hat = torch.stack([a_hat, b_hat], 1).view(n2, -1)
        positive = (a_hat * b_hat).sum(1).repeat_interleave(2).unsqueeze(1)

        # Negative slots of anchor a: all indices outside its pair.
        idx = torch.arange(n2, device=z.device)
        keep = (idx.view(1, -1) // 2) != (idx.view(-1, 1) // 2)
        neg_idx = idx.expand(n2, n2)[keep].view(n2, n2 - 2)
        if self.ft.neg_active and not self.ft.mixes_scores:
            negatives = self.ft.interpolate_negatives(z[neg_idx], sample_dim=1)
            negative = torch.einsum('ad,akd->ak', z_hat, negatives)
        else:  # plain, or the exact and cheaper mixing of scores
            negative = torch.gather(z_hat @ z.t(), 1, neg_idx)
            negative = self.ft.interpolate_negative_scores(negative, 1)
        if self.recording:
            with torch.no_grad():
                if self.ft.pos_active or self.ft.neg_active:
                    pos0 = (pairs[:, 0] * pairs[:, 1]).sum(1)
                    neg0 = torch.gather(z @ z.t(), 1, neg_idx)
                else:
                    pos0, neg0 = positive, negative
                self.record_scores(pos0, neg0, positive, negative)
        return dict(loss=self.head.loss(positive, negative))
