"""Hard Sample Generation on MoCo v2 (Wu et al. 2022)."""

from typing import List, Tuple

import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .hsg_base import HardSampleGenerationMixin
from .moco_ft import MoCoFT


@MODELS.register_module()
class HSGMoCo(HardSampleGenerationMixin, MoCoFT):
    """MoCo v2 (optionally + FT) trained with generated hard samples.

    Real pairs train as in MoCo (momentum update, ShuffleBN, enqueue).
    Generated pairs are extra queries: the first view through the online
    encoder, the second through the momentum encoder (gradients reach the
    generator through its input), scored against the queue; they are
    never enqueued. The encoder loss is the sample-weighted mean of both.

    Args:
        **kwargs: :meth:`HardSampleGenerationMixin.init_hsg` arguments
            (generator, discriminator, augment, num_single, num_pairs,
            similarity, hard_weight, adv_weight) and those of
            :class:`MoCoFT` (``ft`` included).
    """

    supports_symmetric = False  # encoder_loss is the loss

    def encode_keys(
        self, im_k: torch.Tensor, update: bool = True
    ) -> torch.Tensor:
        # The momentum update reads the online weights by name: without
        # the DDP wrappers of MMSeparateDistributedDataParallel.
        with self.bare(['backbone', 'neck']):
            return super().encode_keys(im_k, update)

    def _generated_loss(
        self, generated: Tuple[torch.Tensor, torch.Tensor]
    ) -> torch.Tensor:
        """InfoNCE of generated pairs against the queue (no FT, no side
        effects)."""
        q = F.normalize(self.neck(self.backbone(generated[0]))[0], dim=1)
        k = F.normalize(self.encoder_k(generated[1])[0], dim=1)
        l_pos = (q * k).sum(1, keepdim=True)
        l_neg = q @ self.queue.detach().clone()
        return self.head.loss(l_pos, l_neg)

    def encoder_loss(
        self,
        real: List[torch.Tensor],
        generated: Tuple[torch.Tensor, torch.Tensor],
    ) -> torch.Tensor:
        n_real, n_gen = real[0].size(0), generated[0].size(0)
        # One online forward for real and generated queries (one DDP
        # forward per backward); keys of generated views need no gradient.
        q = F.normalize(
            self.neck(self.backbone(torch.cat([real[0], generated[0]])))[0],
            dim=1,
        )
        q_real, q_gen = q[:n_real], q[n_real:]
        with torch.no_grad():
            k_gen = F.normalize(self.encoder_k(generated[1])[0], dim=1)
        l_gen = self.head.loss(
            (q_gen * k_gen).sum(1, keepdim=True),
            q_gen @ self.queue.detach().clone(),
        )
        # The real pairs as in MoCo: momentum update, ShuffleBN keys, FT,
        # enqueue.
        l_real = self.contrast(q_real, self.encode_keys(real[1]))['loss']
        return (n_real * l_real + n_gen * l_gen) / (n_real + n_gen)

    def generator_reward(
        self,
        real: List[torch.Tensor],
        generated: Tuple[torch.Tensor, torch.Tensor],
    ) -> torch.Tensor:
        return self._generated_loss(generated)
