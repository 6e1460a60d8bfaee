"""MoCo v1/v2 + Feature Transformation."""

from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
from mmpretrain.models import MoCo
from mmpretrain.models.utils import batch_shuffle_ddp, batch_unshuffle_ddp
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from .ft_mixin import FeatureTransformMixin


@MODELS.register_module()
class MoCoFT(FeatureTransformMixin, MoCo):
    """MoCo with positive extrapolation and queue-negative interpolation.

    The query/key encoding is MoCo's (momentum encoder, ShuffleBN); then
    ``q, k`` become ``q_hat, k_hat`` (positive score ``q_hat . k_hat``) and
    the queue is scored as a mixed copy ``Z_hat`` against ``q_hat``. The
    stored queue receives the *original* keys. MoCo v1 and v2 differ only in
    neck, temperature and augmentation (configs).

    ``symmetric=True`` is the symmetric loss of the MoCo authors' CIFAR-10
    demo (facebookresearch/moco, colab): each view is once the query and
    the other view's key its positive, both directions score the same queue
    and their losses are summed, then both keys are enqueued (2N per step);
    one momentum update per step. It "behaves like 2x epochs of the
    asymmetric counterpart" (in the tiny regime it raised the mean over
    seeds 0-2 but not the worst seed:
    docs/reports/narratives/tiny_regime.md). The recorded
    score statistics stay those of view 0 as the query, as in the
    asymmetric loss, so runs of both kinds compare.

    Args:
        ft: :class:`~ftcl_mm.models.FeatureTransform` arguments; None trains
            plain MoCo.
        symmetric: Sum the losses of both query/key directions.
        **kwargs: Arguments of :class:`mmpretrain.models.MoCo`.

    Attributes:
        supports_symmetric: False in subclasses with their own loss (LooC,
            HSG), which then reject ``symmetric=True``.
    """

    supports_symmetric = True

    def __init__(self, *args, symmetric: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if symmetric and not self.supports_symmetric:
            raise ValueError(
                f'{type(self).__name__} has its own loss and no symmetric '
                f'form: set model.symmetric=False'
            )
        self.symmetric = symmetric

    def encode(
        self, inputs: List[torch.Tensor]
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Normalised query (with grad) and key (momentum encoder) as in
        :meth:`MoCo.loss`."""
        return self.encode_queries(inputs[0]), self.encode_keys(inputs[1])

    def encode_queries(self, im_q: torch.Tensor) -> torch.Tensor:
        """Normalised queries of the online encoder (with grad)."""
        return nn.functional.normalize(
            self.neck(self.backbone(im_q))[0], dim=1
        )

    @torch.no_grad()
    def encode_keys(
        self, im_k: torch.Tensor, update: bool = True
    ) -> torch.Tensor:
        """Momentum update (unless ``update`` is False: the second key
        batch of a symmetric step), then normalised keys with ShuffleBN."""
        if update:
            self.encoder_k.update_parameters(
                nn.Sequential(self.backbone, self.neck)
            )
        im_k, idx_unshuffle = batch_shuffle_ddp(im_k)
        k = nn.functional.normalize(self.encoder_k(im_k)[0], dim=1)
        return batch_unshuffle_ddp(k, idx_unshuffle)

    def loss(
        self,
        inputs: List[torch.Tensor],
        data_samples: List[DataSample],
        **kwargs,
    ) -> Dict[str, torch.Tensor]:
        assert isinstance(inputs, list)
        if not self.symmetric:
            return self.contrast(*self.encode(inputs))
        if self.queue_len % (2 * inputs[0].size(0)):
            # mmpretrain's enqueue would only assert this.
            raise ValueError(
                f'symmetric MoCo enqueues 2 x {inputs[0].size(0)} keys per '
                f'step: set model.queue_len to a multiple of that (got '
                f'{self.queue_len})'
            )
        q1, k2 = self.encode(inputs)
        q2 = self.encode_queries(inputs[1])
        k1 = self.encode_keys(inputs[0], update=False)
        loss = self.contrast(q1, k2, enqueue=False)['loss']
        with self.scores_muted():  # statistics of view 0 as the query
            loss = loss + self.contrast(q2, k1, enqueue=False)['loss']
        self._dequeue_and_enqueue(torch.cat([k1, k2]))
        return dict(loss=loss)

    def contrast(
        self, q: torch.Tensor, k: torch.Tensor, enqueue: bool = True
    ) -> Dict[str, torch.Tensor]:
        """MoCo's loss of queries ``q`` and keys ``k`` (normalised) with FT,
        then enqueue ``k`` (unless ``enqueue`` is False: a symmetric step
        enqueues both key batches after both directions)."""
        q_hat, k_hat = self.ft.extrapolate_positives(q, k)
        l_pos = torch.einsum('nc,nc->n', [q_hat, k_hat]).unsqueeze(-1)
        queue = self.queue.detach()
        l_neg = self.queue_logits(q_hat, queue)
        extra = self.extra_negative_logits(q, q_hat, queue)
        if extra is not None:  # per-query negatives of a subclass (MoCHi)
            l_neg = torch.cat([l_neg, extra], dim=1)
        if self.recording:
            self._record(q, k, queue, l_pos, l_neg, changed=extra is not None)
        loss = self.head.loss(l_pos, l_neg)
        if enqueue:
            self._dequeue_and_enqueue(k)  # original keys, never mixed ones
        return dict(loss=loss)

    def queue_logits(
        self, q_hat: torch.Tensor, queue: torch.Tensor
    ) -> torch.Tensor:
        """Logits of ``q_hat`` (N x d) against a queue (d x K), with
        negative interpolation when FT is on."""
        # The loss keeps a reference to the negatives for backward, and the
        # queue is written in place after the loss: score a copy (a mix is
        # one).
        if self.ft.neg_active and not self.ft.mixes_scores:
            negatives = self.ft.interpolate_negatives(queue, sample_dim=1)
            return torch.einsum('nc,ck->nk', [q_hat, negatives])
        # plain, or the exact and cheaper mixing of scores
        l_neg = torch.einsum('nc,ck->nk', [q_hat, queue.clone()])
        return self.ft.interpolate_negative_scores(l_neg, sample_dim=1)

    def extra_negative_logits(
        self, q: torch.Tensor, q_hat: torch.Tensor, queue: torch.Tensor
    ) -> Optional[torch.Tensor]:
        """Logits of additional per-query negatives (N x M), appended after
        the queue's; none in MoCo. Subclasses that synthesise negatives
        (MoCHi) override this; they are never enqueued.

        Args:
            q: Normalised queries before FT (N x d).
            q_hat: Queries as scored in the loss (after positive FT).
            queue: The queue before this step's enqueue (d x K, detached).
        """
        return None

    @torch.no_grad()
    def _record(self, q, k, queue, l_pos, l_neg, changed=False) -> None:
        """Scores before FT/MoCHi (recomputed only if they changed them:
        ``changed`` marks extra negatives) and after."""
        if self.ft.pos_active or self.ft.neg_active or changed:
            pos0 = torch.einsum('nc,nc->n', [q, k])
            neg0 = torch.einsum('nc,ck->nk', [q, queue])
        else:
            pos0, neg0 = l_pos, l_neg
        self.record_scores(pos0, neg0, l_pos, l_neg)
