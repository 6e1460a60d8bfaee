"""Positive/negative score statistics, the quantities the FT paper watched.

Pure torch. An algorithm that reports scores owns a :class:`ScoreRecorder`
slot; whoever wants the statistics (``ScoreStatsHook``, the benchmark)
puts a recorder there and takes one row per step. Everything stays on the
features' device as one small tensor per step (no host sync, memory
independent of the queue length); the ``ScoreStatsHook`` batches the host
transfer at its logging interval.
"""

from __future__ import annotations

from typing import Dict, Optional

import torch

# The order of the values is the CSV file's (one owner of the format).
from ..formats.score_csv import STAT_NAMES

__all__ = ['STAT_NAMES', 'step_stats', 'ScoreRecorder']


def _moments(scores: Optional[torch.Tensor], device) -> torch.Tensor:
    """[mean, variance] over all entries, NaN if absent."""
    if scores is None or scores.numel() == 0:
        return torch.full((2,), float('nan'), device=device)
    var, mean = torch.var_mean(scores.detach().float(), correction=0)
    return torch.stack([mean, var])


def step_stats(
    pos: torch.Tensor,
    neg: Optional[torch.Tensor],
    pos_ft: Optional[torch.Tensor] = None,
    neg_ft: Optional[torch.Tensor] = None,
    lambdas: Optional[Dict[str, torch.Tensor]] = None,
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
            return torch.full((1,), float('nan'), device=device)
        return lam.detach().float().mean().reshape(1)

    return torch.cat(
        [
            _moments(pos, device),
            _moments(neg, device),
            _moments(pos if pos_ft is None else pos_ft, device),
            _moments(neg if neg_ft is None else neg_ft, device),
            lam_mean('pos'),
            lam_mean('neg'),
        ]
    )


class ScoreRecorder:
    """The explicit channel from an algorithm's loss to a score watcher.

    The algorithm calls :meth:`record` once per training step (only when a
    recorder is attached, so an unwatched run computes nothing extra); the
    watcher calls :meth:`take` after the step.
    """

    def __init__(self) -> None:
        self._latest: Optional[torch.Tensor] = None

    def record(self, stats: torch.Tensor) -> None:
        """Store this step's statistics (a :func:`step_stats` tensor)."""
        self._latest = stats

    def take(self) -> Optional[torch.Tensor]:
        """The latest step's statistics (None if the step recorded none);
        clears them so a step is never counted twice."""
        latest, self._latest = self._latest, None
        return latest
