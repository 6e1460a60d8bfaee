"""What every FT algorithm shares: its FeatureTransform and latent loss."""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

from ..feature_transform import FeatureTransform


def build_feature_transform(ft: Optional[dict],
                            has_negatives: bool = True,
                            owner: str = '') -> FeatureTransform:
    """FeatureTransform from a config dict; ``None`` gives a disabled one.

    A disabled transform is the identity, so an FT algorithm without ``ft``
    trains exactly like its mmpretrain parent.

    Raises:
        ValueError: negative interpolation requested for an algorithm
            without negatives (``has_negatives=False``: SimSiam, BYOL).
    """
    if ft is None:
        return FeatureTransform(pos=False, neg=False, enabled=False)
    if not isinstance(ft, dict):
        raise TypeError(f'ft must be a dict of FeatureTransform arguments, '
                        f'got {type(ft).__name__}')
    transform = FeatureTransform(**ft)
    if transform.neg and not has_negatives:
        raise ValueError(f'{owner} has no negatives: set ft.neg=False')
    return transform


def ft_latent_loss(head, ft: FeatureTransform, online: torch.Tensor,
                   target: torch.Tensor
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
        after = F.cosine_similarity(pred_hat, target_hat, dim=1) \
            if ft.pos_active else before
    return loss, before, after


def ft_symmetric_latent_loss(head, ft: FeatureTransform,
                             pairs: Sequence[Tuple[torch.Tensor,
                                                   torch.Tensor]]
                             ) -> torch.Tensor:
    """Sum of :func:`ft_latent_loss` over ``(online, target)`` pairs (the
    two directions of SimSiam/BYOL), recording the pairs' scores before
    and after FT when the score statistics hook asks for them."""
    losses, before, after = zip(*(ft_latent_loss(head, ft, o, t)
                                  for o, t in pairs))
    if ft.record_scores:
        ft.record(torch.cat(before), None, torch.cat(after))
    return sum(losses)
