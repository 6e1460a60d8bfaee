"""Effective rank of a set of features: how many directions they use.

A collapsed backbone (FT's failure mode in the tiny regime: every image
maps into a narrow cone) spreads its features over few directions, which
accuracy alone does not show. RankMe (Garrido et al., ICML 2023):
``exp(H(p))`` with ``p`` the singular values of the feature matrix divided
by their sum; 1 for features on one line, the dimension for isotropic ones.
"""

from __future__ import annotations

import torch


def effective_rank(features: torch.Tensor, eps: float = 1e-12) -> float:
    """RankMe of ``features`` (N x D; not centred, not normalised, as in
    the paper, so a shared offset counts as one direction).

    Raises:
        ValueError: not a non-empty 2-D matrix.
    """
    if features.dim() != 2 or features.numel() == 0:
        raise ValueError(
            'effective_rank needs an N x D matrix, got '
            f'{tuple(features.shape)}'
        )
    s = torch.linalg.svdvals(features.double())
    p = s / (s.sum() + eps) + eps
    return float(torch.exp(-(p * p.log()).sum()))
