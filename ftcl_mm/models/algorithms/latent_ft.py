"""Positive FT on a latent-prediction loss (SimSiam, BYOL)."""

from typing import Sequence, Tuple

import torch
import torch.nn.functional as F

from ..feature_transform import FeatureTransform


def ft_latent_loss(
    head, ft: FeatureTransform, online: torch.Tensor, target: torch.Tensor
) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``LatentPredictHead.loss`` with positive FT between prediction and
    target (SimSiam, BYOL).

    The prediction and the (detached) target are L2-normalised, extrapolated
    as a positive pair, and passed to the head's own loss module. That loss
    is a cosine similarity, which re-normalises: the pair's cosine becomes
    ``(S + a) / (1 - a)`` with ``a = 2 lam (1 - lam) (1 - S) <= 0``, still
    <= S, i.e. a harder positive.

    Returns:
        The loss, and the pair's cosine scores before and after FT
        (detached; for the score statistics).
    """
    pred = F.normalize(head.predictor([online])[0], dim=1)
    target = F.normalize(target.detach(), dim=1)
    pred_hat, target_hat = ft.extrapolate_positives(pred, target)
    loss = head.loss_module(pred_hat, target_hat)
    with torch.no_grad():
        before = (pred * target).sum(1)
        after = (
            F.cosine_similarity(pred_hat, target_hat, dim=1)
            if ft.pos_active
            else before
        )
    return loss, before, after


def ft_symmetric_latent_loss(
    head,
    ft: FeatureTransform,
    pairs: Sequence[Tuple[torch.Tensor, torch.Tensor]],
) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Sum of :func:`ft_latent_loss` over ``(online, target)`` pairs (the
    two directions of SimSiam/BYOL), with all pairs' scores before and
    after FT."""
    losses, before, after = zip(
        *(ft_latent_loss(head, ft, o, t) for o, t in pairs)
    )
    return sum(losses), torch.cat(before), torch.cat(after)
