"""LooC / LooC++ on MoCo v2 (Xiao et al., "What Should Not Be Contrastive in
Contrastive Learning", ICLR 2021).

A shared backbone and ``n + 1`` embedding spaces (:class:`LooCNeck`). The
views come from :class:`~ftcl_mm.datasets.LooCMultiView`: the query ``q``,
``k_0`` (all augmentations resampled) and ``k_i`` (factor ``i``'s
parameters shared with ``q``). In space 0 every key is a positive of ``q``;
in space ``i`` only ``k_i`` is, and the image's other keys are negatives
besides the space's own queue. The loss is InfoNCE averaged over the
positives of a space, then over spaces.

LooC transfers the backbone; LooC++ (``representation='concat'``) uses the
concatenation of all spaces downstream.
"""

from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.dist import all_gather
from mmpretrain.models.utils import batch_shuffle_ddp, batch_unshuffle_ddp
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ..necks import LooCNeck
from .moco_ft import MoCoFT

REPRESENTATIONS = ('backbone', 'concat')


def positive_masks(
    num_spaces: int, device: Optional[torch.device] = None
) -> torch.Tensor:
    """``masks[j, v]``: key view ``v`` (``k_0..k_n``) is a positive of the
    query in space ``j``. Row 0 is all True; row ``i`` only ``i``."""
    masks = torch.eye(num_spaces, dtype=torch.bool, device=device)
    masks[0] = True
    return masks


@MODELS.register_module()
class LooC(MoCoFT):
    """MoCo v2 with LooC's augmentation-aware embedding spaces.

    Args:
        representation: ``'backbone'`` (LooC) or ``'concat'`` (LooC++) for
            :meth:`extract_feat`; training is the same.
        **kwargs: Arguments of :class:`MoCoFT`; ``neck`` must be a
            :class:`LooCNeck` and ``feat_dim`` its ``out_channels``.
            ``queue_len`` is per space.
    """

    supports_symmetric = False  # one query view against n + 1 key views

    def __init__(
        self, *args, representation: str = 'backbone', **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        if not isinstance(self.neck, LooCNeck):
            raise TypeError(
                f'LooC needs neck=dict(type="LooCNeck", ...), '
                f'got {type(self.neck).__name__}'
            )
        if self.neck.output != 'spaces':
            raise ValueError("LooC trains with LooCNeck(output='spaces')")
        if representation not in REPRESENTATIONS:
            raise ValueError(
                f'representation must be one of '
                f'{REPRESENTATIONS}, got {representation!r}'
            )
        self.representation = representation
        self.num_spaces = self.neck.num_spaces
        feat_dim = self.queue.size(0)
        # One queue per space (replaces MoCo's single queue buffer).
        self.register_buffer(
            'queue',
            F.normalize(
                torch.randn(self.num_spaces, feat_dim, self.queue_len), dim=1
            ),
        )

    def extract_feat(self, inputs: torch.Tensor, **kwargs):
        """Backbone features (LooC) or the concatenated, L2-normalised
        embeddings of all spaces (LooC++)."""
        if self.representation == 'concat':
            spaces = self.neck(self.backbone(inputs))
            return (torch.cat([F.normalize(z, dim=1) for z in spaces], 1),)
        return super().extract_feat(inputs, **kwargs)

    def encode(
        self, inputs: List[torch.Tensor]
    ) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
        """Per space: the normalised query (B x d, with grad) and the
        momentum encoder's keys of all key views (B x (n+1) x d)."""
        s = self.num_spaces
        if len(inputs) != s + 1:
            raise ValueError(
                f'LooC with {s} spaces needs {s + 1} views per image (q, k_0 '
                f'and one per factor, from LooCMultiView with {s - 1} '
                f'factors); got {len(inputs)}'
            )
        qs = [
            F.normalize(z, dim=1) for z in self.neck(self.backbone(inputs[0]))
        ]
        with torch.no_grad():
            self.encoder_k.update_parameters(
                nn.Sequential(self.backbone, self.neck)
            )
            im_k, idx_unshuffle = batch_shuffle_ddp(torch.cat(inputs[1:]))
            ks = []
            for z in self.encoder_k(im_k):
                z = batch_unshuffle_ddp(F.normalize(z, dim=1), idx_unshuffle)
                ks.append(z.view(s, -1, z.size(1)).transpose(0, 1))
        return qs, ks

    def loss(
        self,
        inputs: List[torch.Tensor],
        data_samples: List[DataSample],
        **kwargs,
    ) -> Dict[str, torch.Tensor]:
        qs, ks = self.encode(inputs)
        # Key-view indices per space, as host lists (no device sync).
        masks = positive_masks(self.num_spaces).tolist()
        losses, records = [], []
        for j, (q, keys) in enumerate(zip(qs, ks)):
            pos = [v for v, m in enumerate(masks[j]) if m]
            neg = [v for v, m in enumerate(masks[j]) if not m]
            # One InfoNCE row per positive key of each query.
            q_rows = q.repeat_interleave(len(pos), 0)
            k_pos = keys[:, pos].reshape(-1, keys.size(2))
            q_hat, k_hat = self.ft.extrapolate_positives(q_rows, k_pos)
            l_pos = (q_hat * k_hat).sum(1, keepdim=True)
            own = keys[:, neg].repeat_interleave(len(pos), 0)  # same image
            queue = self.queue[j].detach()
            l_neg = torch.cat(
                [
                    torch.einsum('rd,rvd->rv', q_hat, own),
                    self.queue_logits(q_hat, queue),
                ],
                1,
            )
            losses.append(self.head.loss(l_pos, l_neg))
            if self.recording:
                records.append(
                    self._space_scores(q_rows, k_pos, own, queue, l_pos, l_neg)
                )
        if records:
            self.record_scores(
                *(
                    torch.cat([r[i].flatten() for r in records])
                    for i in range(4)
                )
            )
        self._enqueue_spaces(ks)
        return dict(loss=torch.stack(losses).mean())

    @torch.no_grad()
    def _space_scores(self, q_rows, k_pos, own, queue, l_pos, l_neg):
        """A space's scores before FT (recomputed only if FT changed them)
        and after."""
        if not (self.ft.pos_active or self.ft.neg_active):
            return l_pos, l_neg, l_pos, l_neg
        pos0 = (q_rows * k_pos).sum(1)
        neg0 = torch.cat(
            [torch.einsum('rd,rvd->rv', q_rows, own), q_rows @ queue], 1
        )
        return pos0, neg0, l_pos, l_neg

    @torch.no_grad()
    def _enqueue_spaces(self, ks: List[torch.Tensor]) -> None:
        """Space ``j``'s queue receives the space-``j`` embedding of key
        ``k_j`` (the view that is positive there; ``k_0`` for space 0)."""
        ptr = int(self.queue_ptr)
        for j, keys in enumerate(ks):
            new = torch.cat(all_gather(keys[:, j].contiguous()), dim=0)
            if self.queue_len % new.size(0):
                raise ValueError(
                    f'queue_len {self.queue_len} must be a '
                    f'multiple of the global batch {new.size(0)}'
                    ' (and drop_last=True)'
                )
            self.queue[j, :, ptr : ptr + new.size(0)] = new.t()
        self.queue_ptr[0] = (ptr + new.size(0)) % self.queue_len
