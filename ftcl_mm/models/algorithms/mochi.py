"""MoCHi: hard negative mixing on MoCo v2 (Kalantidis et al., NeurIPS 2020).

Per query ``q`` and step, the N hardest queue negatives (highest ``q . n``)
are mixed into ``s + s'`` synthetic negatives that only this query sees::

    h   = normalize(alpha n_i + (1 - alpha) n_j),  alpha ~ U(0, 1)    (s)
    h'  = normalize(beta q + (1 - beta) n_j),      beta  ~ U(0, 0.5)  (s')

with ``n_i, n_j`` drawn uniformly from the N hardest and ``q`` detached.
Their logits are appended after the queue's; they are never enqueued.
Notation MoCHi(N, s, s'); the paper's ImageNet-1k setting is
MoCHi(1024, 512, 256).
"""

from typing import Optional

import torch
import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmpretrain.registry import MODELS

from .moco_ft import MoCoFT


def mix_hard_negatives(
    q: torch.Tensor,
    negatives: torch.Tensor,
    num_hard: int,
    num_mix: int,
    num_query_mix: int,
    generator: Optional[torch.Generator] = None,
) -> torch.Tensor:
    """Synthetic hard negatives per query, vectorised over the batch.

    Args:
        q: L2-normalised queries, B x d (used detached).
        negatives: L2-normalised negatives, K x d (the MoCo queue,
            ``queue.t()``).
        num_hard: N, the number of hardest negatives to mix from (capped at K).
        num_mix: s, mixes of two hard negatives.
        num_query_mix: s', mixes of the query with one hard negative.
        generator: Source of the mixing indices and coefficients.

    Returns:
        B x (s + s') x d unit vectors, detached: for each query its ``s``
        negative-negative mixes followed by its ``s'`` query-negative mixes.
    """
    q = q.detach()
    negatives = negatives.detach()
    b, device = q.size(0), q.device
    n = min(num_hard, negatives.size(0))
    with torch.no_grad():
        hard = (q @ negatives.t()).topk(n, dim=1).indices  # B x N, queue ids
        parts = []
        if num_mix > 0:
            pick = torch.randint(
                n, (2, b, num_mix), generator=generator, device=device
            )
            n_i, n_j = (
                negatives[hard.gather(1, pick[0])],
                negatives[hard.gather(1, pick[1])],
            )  # B x s x d each
            alpha = torch.rand(
                b,
                num_mix,
                1,
                generator=generator,
                device=device,
                dtype=q.dtype,
            )
            mixed = alpha * n_i + (1 - alpha) * n_j
            parts.append(F.normalize(mixed, dim=2))
        if num_query_mix > 0:
            pick = torch.randint(
                n, (b, num_query_mix), generator=generator, device=device
            )
            beta = 0.5 * torch.rand(
                b,
                num_query_mix,
                1,
                generator=generator,
                device=device,
                dtype=q.dtype,
            )
            mixed = (
                beta * q.unsqueeze(1)
                + (1 - beta) * negatives[hard.gather(1, pick)]
            )
            parts.append(F.normalize(mixed, dim=2))
        if not parts:
            return q.new_zeros(b, 0, q.size(1))
        return torch.cat(parts, dim=1)


@MODELS.register_module()
class MoCHi(MoCoFT):
    """MoCo v2 with hard negative mixing (optionally plus FT).

    The synthetic negatives are scored against the query as used in the
    loss (``q_hat`` when positive FT is on); the hardest negatives are
    ranked with the plain query and the stored queue, so FT and MoCHi
    compose without one transforming the other's inputs.

    Args:
        num_hard: N, hardest queue negatives per query to mix from.
        num_mix: s, synthetic negatives mixing two hard negatives.
        num_query_mix: s', synthetic negatives mixing the query in.
        warmup_epochs: Epochs trained as plain MoCo before mixing starts
            (the epoch comes from mmengine's runtime info; outside a Runner
            it counts as epoch 0).
        **kwargs: Arguments of :class:`MoCoFT` (``ft`` included).
    """

    def __init__(
        self,
        *args,
        num_hard: int = 1024,
        num_mix: int = 512,
        num_query_mix: int = 256,
        warmup_epochs: int = 15,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        if num_hard < 1 or num_mix < 0 or num_query_mix < 0:
            raise ValueError(
                'MoCHi needs num_hard >= 1 and num_mix, num_query_mix >= 0'
            )
        if warmup_epochs < 0:
            raise ValueError('warmup_epochs must be >= 0')
        self.num_hard = num_hard
        self.num_mix = num_mix
        self.num_query_mix = num_query_mix
        self.warmup_epochs = warmup_epochs

    @property
    def mixing(self) -> bool:
        """Whether this step is past the warm-up."""
        epoch = MessageHub.get_current_instance().get_info('epoch', 0)
        return epoch >= self.warmup_epochs

    def extra_negative_logits(
        self, q: torch.Tensor, q_hat: torch.Tensor, queue: torch.Tensor
    ) -> Optional[torch.Tensor]:
        if not self.mixing or self.num_mix + self.num_query_mix == 0:
            return None
        synthetic = mix_hard_negatives(
            q,
            queue.t(),
            self.num_hard,
            self.num_mix,
            self.num_query_mix,
            self.ft.generator(q.device),
        )
        return torch.einsum('nc,nmc->nm', [q_hat, synthetic.to(q_hat.dtype)])
