"""Positive/negative score statistics, the quantities the FT paper watched.

Pure torch. Everything stays on the features' device as one small tensor
per step (no host sync, memory independent of the queue length); the
``ScoreStatsHook`` batches the host transfer at its logging interval.
"""
from __future__ import annotations

from typing import Dict, Optional

import torch

#: Order of the values in :func:`step_stats`' output.
STAT_NAMES = ('pos_mean', 'pos_var', 'neg_mean', 'neg_var', 'pos_mean_ft',
              'pos_var_ft', 'neg_mean_ft', 'neg_var_ft', 'lam_pos',
              'lam_neg')


def _moments(scores: Optional[torch.Tensor], device) -> torch.Tensor:
    """[mean, variance] over all entries, NaN if absent."""
    if scores is None or scores.numel() == 0:
        return torch.full((2, ), float('nan'), device=device)
    var, mean = torch.var_mean(scores.detach().float(), correction=0)
    return torch.stack([mean, var])


def step_stats(pos: torch.Tensor,
               neg: Optional[torch.Tensor],
               pos_ft: Optional[torch.Tensor] = None,
               neg_ft: Optional[torch.Tensor] = None,
               lambdas: Optional[Dict[str, torch.Tensor]] = None
               ) -> torch.Tensor:
    """One step's statistics as a float tensor ordered like STAT_NAMES.

    Args:
        pos: Positive scores before FT (any shape).
        neg: Negative scores before FT, or None (SimSiam/BYOL).
        pos_ft: Positive scores after FT (default: ``pos``).
        neg_ft: Negative scores after FT (default: ``neg``).
        lambdas: ``FeatureTransform.last_lambdas``; their means are stored
            (NaN for a transform not applied this step).
    """
    device = pos.device
    lambdas = lambdas or {}

    def lam_mean(key):
        lam = lambdas.get(key)
        if lam is None:
            return torch.full((1, ), float('nan'), device=device)
        return lam.detach().float().mean().reshape(1)

    return torch.cat([
        _moments(pos, device),
        _moments(neg, device),
        _moments(pos if pos_ft is None else pos_ft, device),
        _moments(neg if neg_ft is None else neg_ft, device),
        lam_mean('pos'),
        lam_mean('neg'),
    ])
