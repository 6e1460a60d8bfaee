"""What every FT algorithm shares: its FeatureTransform, the step that
seeds FT's lambdas, and the slot through which it reports scores."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Optional

import torch

from ..feature_transform import FeatureTransform
from ..score_stats import ScoreRecorder, step_stats


def build_feature_transform(
    ft: Optional[dict], has_negatives: bool = True, owner: str = ''
) -> FeatureTransform:
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
        raise TypeError(
            f'ft must be a dict of FeatureTransform arguments, '
            f'got {type(ft).__name__}'
        )
    transform = FeatureTransform(**ft)
    if transform.neg and not has_negatives:
        raise ValueError(f'{owner} has no negatives: set ft.neg=False')
    return transform


class FeatureTransformMixin:
    """Gives an mmpretrain algorithm Feature Transformation's lifecycle.

    Put it first in the bases (``class MoCoFT(FeatureTransformMixin,
    MoCo)``); it takes the ``ft`` argument and passes the rest on. It owns:

    * ``self.ft``, the :class:`FeatureTransform` (identity when ``ft`` is
      None, so the algorithm then trains exactly like its parent);
    * the step: :class:`~ftcl_mm.engine.FeatureTransformHook` sets
      ``ft.step`` from the runner's iteration before every iteration (so a
      resumed run needs no counting); :meth:`forward` in ``'loss'`` mode
      also advances it, which keeps runs without the hook (MoCHi alone,
      tests, notebooks) drawing fresh lambdas every step, also under DDP;
    * ``self.score_recorder``: None unless a watcher (``ScoreStatsHook``)
      attaches a :class:`ScoreRecorder`; algorithms report their scores
      with :meth:`record_scores` and compute them only if
      :attr:`recording`.

    Attributes:
        has_negatives: False for algorithms without negatives (SimSiam,
            BYOL): ``ft.neg=True`` is then rejected.
    """

    has_negatives = True

    def __init__(self, *args, ft: Optional[dict] = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ft = build_feature_transform(
            ft, self.has_negatives, type(self).__name__
        )
        self.score_recorder: Optional[ScoreRecorder] = None

    @property
    def recording(self) -> bool:
        """Whether a watcher wants this step's scores."""
        return self.score_recorder is not None

    def record_scores(
        self,
        pos: torch.Tensor,
        neg: Optional[torch.Tensor],
        pos_ft: Optional[torch.Tensor] = None,
        neg_ft: Optional[torch.Tensor] = None,
    ) -> None:
        """Report scores before (``pos``, ``neg``) and after FT, with the
        lambdas FT drew this step, to the attached recorder (if any)."""
        if self.score_recorder is not None:
            self.score_recorder.record(
                step_stats(pos, neg, pos_ft, neg_ft, self.ft.last_lambdas)
            )
        self.ft.last_lambdas = {}  # a step without FT records NaN lambdas

    @contextmanager
    def scores_muted(self) -> Iterator[None]:
        """Run a loss without reporting its scores (e.g. a generator's
        reward computed with the encoder's loss)."""
        recorder, self.score_recorder = self.score_recorder, None
        try:
            yield
        finally:
            self.score_recorder = recorder

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        """The parent's forward; a ``'loss'`` forward (one per training
        step: the model's own ``train_step`` and DDP's, which calls
        ``forward`` and not the module's ``train_step``) then advances FT's
        step. A bare ``loss()`` call does not."""
        out = super().forward(inputs, data_samples, mode=mode)
        if mode == 'loss':
            self.ft.next_step()
        return out
