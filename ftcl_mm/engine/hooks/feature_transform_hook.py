"""Switch Feature Transformation on at a start epoch or iteration, or when
the encoder's own positive score says FT's premise holds."""

import os.path as osp
from collections import defaultdict
from typing import Dict, List, Optional

from mmengine.dist import broadcast_object_list, get_world_size
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS
from mmpretrain.utils import get_ori_model

from ...formats import score_csv
from ...models.feature_transform import FeatureTransform
from ...utils.fileio import write_json

#: Written into the work dir when the gate fires (read by the studies).
GATE_FILE = 'ft_gate.json'


@HOOKS.register_module()
class FeatureTransformHook(Hook):
    """Turn every :class:`FeatureTransform` of the model on from
    ``start_epoch`` (paper Table 6: the earlier the better) or, if given,
    ``start_iter``; seed them with the run's seed.

    **Premise gate** (``gate_pos_score``): positive extrapolation lowers
    the positive score the loss sees by ``2 lam (lam - 1)(1 - S)``, small
    only where the encoder already aligns the two views (S high, as in the
    paper's ImageNet runs). With a gate, FT starts at the first epoch
    after one whose mean *unmixed* positive score (``pos_mean`` of
    :class:`ScoreStatsHook`, the encoder's own) reached the threshold, and
    not before ``start_epoch``. The epoch is logged and written to
    ``<work_dir>/ft_gate.json``; a run whose gate never fired warns at its
    end with the highest epoch mean reached. Until the gate fires the run
    is its base run (FT off draws nothing). The decision is re-derived
    from ``score_stats.csv`` on resume, and rank 0's is broadcast.

    The on/off state and FT's step (which seeds the lambdas) are derived
    from the runner's epoch/iteration before each epoch and iteration, so
    they are right after ``--resume`` with no counting. The
    state is logged once at each switch and as the ``ft_enabled`` scalar
    (0/1) with the other training logs.

    Args:
        start_epoch: First epoch (0-based) trained with FT (with a gate:
            the earliest).
        start_iter: First iteration (0-based) trained with FT; overrides
            ``start_epoch`` when given (not with a gate).
        seed: Seed for the lambda generator; None uses the run's seed
            (``randomness.seed``, identical on every rank).
        gate_pos_score: Threshold in (-1, 1] on the epoch-mean unmixed
            positive score (e.g. 0.6), or None for no gate. Needs a
            :class:`ScoreStatsHook`.
    """

    priority = 'NORMAL'

    def __init__(
        self,
        start_epoch: int = 0,
        start_iter: Optional[int] = None,
        seed: Optional[int] = None,
        gate_pos_score: Optional[float] = None,
    ) -> None:
        if start_epoch < 0 or (start_iter is not None and start_iter < 0):
            raise ValueError('start_epoch and start_iter must be >= 0')
        if gate_pos_score is not None:
            if isinstance(gate_pos_score, bool) or not isinstance(
                gate_pos_score, (int, float)
            ):
                raise ValueError(
                    'gate_pos_score must be a number in (-1, 1] (a cosine '
                    f'score), got {gate_pos_score!r}'
                )
            if not -1 < gate_pos_score <= 1:
                raise ValueError(
                    'gate_pos_score must be in (-1, 1] (a cosine score), got '
                    f'{gate_pos_score}'
                )
            if start_iter is not None:
                raise ValueError(
                    'gate_pos_score decides per epoch; use start_epoch, not '
                    'start_iter, with it'
                )
        self.start_epoch = start_epoch
        self.start_iter = start_iter
        self.seed = seed
        self.gate = gate_pos_score
        #: First epoch with FT once the gate fired (None: not yet).
        self.gate_epoch: Optional[int] = None
        self._fts: List[FeatureTransform] = []

    @staticmethod
    def transforms(runner) -> List[FeatureTransform]:
        model = get_ori_model(runner.model)
        return [m for m in model.modules() if isinstance(m, FeatureTransform)]

    def before_train(self, runner) -> None:
        fts = self._fts = self.transforms(runner)
        if not fts:
            raise RuntimeError(
                'FeatureTransformHook found no FeatureTransform in the model; '
                'use an FT algorithm (e.g. type="MoCoFT") with an ft=dict(...)'
            )
        seed = self.seed if self.seed is not None else runner.seed
        for ft in fts:
            ft.seed = int(seed or 0)
        if self.gate is not None:
            self._score_hook(runner)  # fails early without one
            self._decide(runner, upto=runner.epoch)  # resume: re-derive
        self._update(runner, log=True)

    def before_train_epoch(self, runner) -> None:
        self._update(runner)

    def before_train_iter(
        self, runner, batch_idx: int, data_batch=None
    ) -> None:
        if self.start_iter is not None:
            self._update(runner)
        for ft in self._fts:
            ft.step = runner.iter
        runner.message_hub.update_scalar(
            'train/ft_enabled', float(self._should_enable(runner))
        )

    def after_train_epoch(self, runner) -> None:
        if self.gate is not None and self.gate_epoch is None:
            # runner.epoch is the epoch that just ended (0-based).
            self._decide(runner, upto=runner.epoch + 1)

    def after_train(self, runner) -> None:
        if self.gate is None or self.gate_epoch is not None:
            return
        means = self._epoch_means(runner)
        if means:
            best = max(means, key=means.get)
            reached = (
                f'the highest epoch-mean positive score was '
                f'{means[best]:.3f} (epoch {best})'
            )
        else:
            reached = 'no positive score was recorded'
        runner.logger.warning(
            f'FeatureTransformHook: the FT gate never fired: {reached}, '
            f'below the threshold {self.gate}; this run trained without FT'
        )

    # ------------------------------------------------------------------
    # the gate
    # ------------------------------------------------------------------
    @staticmethod
    def _score_hook(runner):
        hook = next(
            (h for h in runner.hooks if type(h).__name__ == 'ScoreStatsHook'),
            None,
        )
        if hook is None:
            raise RuntimeError(
                'FeatureTransformHook(gate_pos_score=...) reads the positive '
                'score ScoreStatsHook records; add dict(type='
                '"ScoreStatsHook") to custom_hooks'
            )
        return hook

    def _epoch_means(self, runner) -> Dict[int, float]:
        """Mean unmixed positive score per epoch (0-based) recorded so
        far (rank 0; empty elsewhere)."""
        hook = self._score_hook(runner)
        if hook.collector is not None:
            hook.flush(runner)
        path = hook.path or osp.join(runner.work_dir, hook.filename)
        if not osp.isfile(path):
            return {}
        sums: Dict[int, List[float]] = defaultdict(list)
        for row in score_csv.read_rows(path):
            if row['pos_mean'] == row['pos_mean']:  # not NaN
                sums[row['epoch']].append(row['pos_mean'])
        return {e: sum(v) / len(v) for e, v in sorted(sums.items())}

    def _decide(self, runner, upto: int) -> None:
        """Fire the gate at the first epoch < ``upto`` whose mean reached
        the threshold (FT from the next epoch on)."""
        means = self._epoch_means(runner)
        fired = next(
            (e for e, m in means.items() if e < upto and m >= self.gate),
            None,
        )
        decision = [fired, means.get(fired) if fired is not None else None]
        if get_world_size() > 1:  # the scores are rank 0's
            broadcast_object_list(decision, src=0)
        fired, score = decision
        if fired is None:
            return
        self.gate_epoch = max(fired + 1, self.start_epoch)
        runner.logger.info(
            f'FeatureTransformHook: the FT gate fired: the positive score '
            f'averaged {score:.3f} over epoch {fired} (threshold '
            f'{self.gate}); FT from epoch {self.gate_epoch}'
        )
        runner.message_hub.update_info('ft_gate_epoch', self.gate_epoch)
        if runner.rank == 0:
            write_json(
                osp.join(runner.work_dir, GATE_FILE),
                dict(
                    threshold=self.gate,
                    score_epoch=fired,
                    pos_score=round(score, 4),
                    ft_from_epoch=self.gate_epoch,
                ),
            )

    def _should_enable(self, runner) -> bool:
        if self.start_iter is not None:
            return runner.iter >= self.start_iter
        if self.gate is not None:
            return self.gate_epoch is not None and (
                runner.epoch >= self.gate_epoch
            )
        return runner.epoch >= self.start_epoch

    def _update(self, runner, log: bool = False) -> None:
        """Set every transform's state; log it on change (or if ``log``)."""
        on = self._should_enable(runner)
        for ft in self._fts:
            if ft.enabled != on or log:
                ft.enabled = on
                runner.logger.info(
                    f'Feature Transformation {"ON" if on else "OFF"} at '
                    f'epoch {runner.epoch}, iter {runner.iter}: {ft!r}'
                )
