"""Tell a collapsing contrastive run from a learning one by its scores.

The FT paper's Fig. 3 reads collapse off the score statistics: with MoCo
momentum m = 0.5 the negatives' mean score climbs to the positives' and
their variance vanishes, while healthy runs keep positives well above
negatives. :class:`CollapseAlarm` watches the encoder's statistics (before
FT) per iteration and fires once when the positive-minus-negative gap stays
below a threshold for a window of iterations after a warm-up.

Calibrated on recorded runs of the tiny regime (20 epochs, 380
iterations; ``tests/test_utils/test_collapse.py`` replays four of them):

* healthy SimCLR / MoCo v2 (seeds 0, 1, 2 each): the gap starts near 0 (a
  random network scores every pair alike), and after the 50-iteration
  warm-up its lowest value was 0.08 (MoCo v2) / 0.20 (SimCLR);
* collapsed, FT from step 0 (seed 0): SimCLR + FT gap ~0.000 with
  negative-score variance ~0.001 (complete collapse: every embedding
  alike), fires at iteration 70; MoCo v2 + FT gap ~0.014 with the
  variance still ~0.2 (the encoder separates nothing, yet its embeddings
  are not identical), fires at 118. The variance therefore cannot be a
  condition of the alarm, only part of its message: it tells the two
  kinds apart.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Deque, Mapping, Optional


class CollapseAlarm:
    """Fires once when the encoder stops separating positives from
    negatives.

    Args:
        gap_threshold: The positive-minus-negative mean score below which
            a step counts as unseparated.
        window: Consecutive recorded iterations that must all be
            unseparated.
        warmup: Iterations before which nothing counts (at init every pair
            scores alike).
        var_threshold: Negative-score variance below which the message
            says "complete collapse" (all embeddings alike).
    """

    def __init__(
        self,
        gap_threshold: float = 0.05,
        window: int = 20,
        warmup: int = 50,
        var_threshold: float = 0.01,
    ) -> None:
        if window < 1 or warmup < 0:
            raise ValueError('window must be >= 1 and warmup >= 0')
        self.gap_threshold = gap_threshold
        self.window = window
        self.warmup = warmup
        self.var_threshold = var_threshold
        self._recent: Deque[tuple] = deque(maxlen=window)
        self.fired_at: Optional[int] = None

    def update(self, row: Mapping[str, float]) -> Optional[str]:
        """Feed one recorded row (``iter``, ``pos_mean``, ``neg_mean``,
        ``neg_var``); returns the warning line the first time the alarm
        fires, else None."""
        if self.fired_at is not None:
            return None
        it = int(row['iter'])
        pos, neg, var = row['pos_mean'], row['neg_mean'], row['neg_var']
        if it <= self.warmup or any(math.isnan(v) for v in (pos, neg, var)):
            self._recent.clear()
            return None
        if pos - neg >= self.gap_threshold:
            self._recent.clear()
            return None
        self._recent.append((pos, neg, var))
        if len(self._recent) < self.window:
            return None
        self.fired_at = it
        n = len(self._recent)
        pos = sum(r[0] for r in self._recent) / n
        neg = sum(r[1] for r in self._recent) / n
        var = sum(r[2] for r in self._recent) / n
        kind = (
            'complete collapse: every embedding alike'
            if var < self.var_threshold
            else 'no separation: the encoder scores positives like negatives'
        )
        return (
            f'possible collapse at iteration {it}: positive - negative score '
            f'gap {pos - neg:.3f} (pos {pos:.3f}, neg {neg:.3f}) below '
            f'{self.gap_threshold} for {n} iterations, negative-score '
            f'variance {var:.3f} ({kind}); healthy runs keep the gap above '
            '0.1 (see the score plots: tools/analysis/plot_scores.py)'
        )
