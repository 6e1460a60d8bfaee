"""Hard Sample Generation on SimCLR (Wu et al. 2022)."""

from typing import List, Tuple

import torch
from mmpretrain.registry import MODELS

from .hsg_base import HardSampleGenerationMixin
from .simclr_ft import SimCLRFT


@MODELS.register_module()
class HSGSimCLR(HardSampleGenerationMixin, SimCLRFT):
    """SimCLR (optionally + FT) trained with generated hard samples.

    The generated pairs join the real pairs in one NT-Xent batch: they are
    hard positives for each other and hard negatives for the real images
    (and vice versa). The generators maximise that same loss. See
    :mod:`~ftcl_mm.models.algorithms.hsg_base` for the update order.

    Args:
        **kwargs: :meth:`HardSampleGenerationMixin.init_hsg` arguments
            (generator, discriminator, augment, num_single, num_pairs,
            similarity, hard_weight, adv_weight) and those of
            :class:`SimCLRFT` (``ft`` included).
    """

    def _nt_xent(
        self,
        real: List[torch.Tensor],
        generated: Tuple[torch.Tensor, torch.Tensor],
    ) -> torch.Tensor:
        views = [torch.cat([real[i], generated[i]]) for i in range(2)]
        return SimCLRFT.loss(self, views, None)['loss']

    def encoder_loss(self, real, generated):
        return self._nt_xent(real, generated)

    def generator_reward(self, real, generated):
        # Same loss; the scores reported are the encoder step's.
        with self.scores_muted():
            return self._nt_xent(real, generated)
