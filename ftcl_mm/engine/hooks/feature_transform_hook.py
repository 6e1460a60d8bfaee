"""Switch Feature Transformation on at a start epoch or iteration."""

from typing import List, Optional

from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS
from mmpretrain.utils import get_ori_model

from ...models.feature_transform import FeatureTransform


@HOOKS.register_module()
class FeatureTransformHook(Hook):
    """Turn every :class:`FeatureTransform` of the model on from
    ``start_epoch`` (paper Table 6: the earlier the better) or, if given,
    ``start_iter``; seed them with the run's seed.

    The on/off state and FT's step (which seeds the lambdas) are derived
    from the runner's epoch/iteration before each epoch and iteration, so
    they are right after ``--resume`` with no counting. The
    state is logged once at each switch and as the ``ft_enabled`` scalar
    (0/1) with the other training logs.

    Args:
        start_epoch: First epoch (0-based) trained with FT.
        start_iter: First iteration (0-based) trained with FT; overrides
            ``start_epoch`` when given.
        seed: Seed for the lambda generator; None uses the run's seed
            (``randomness.seed``, identical on every rank).
    """

    priority = 'NORMAL'

    def __init__(
        self,
        start_epoch: int = 0,
        start_iter: Optional[int] = None,
        seed: Optional[int] = None,
    ) -> None:
        if start_epoch < 0 or (start_iter is not None and start_iter < 0):
            raise ValueError('start_epoch and start_iter must be >= 0')
        self.start_epoch = start_epoch
        self.start_iter = start_iter
        self.seed = seed
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

    def _should_enable(self, runner) -> bool:
        if self.start_iter is not None:
            return runner.iter >= self.start_iter
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
