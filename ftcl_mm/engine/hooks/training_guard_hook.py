"""Stop a run that cannot produce a model, before it writes a checkpoint.

Two ways a run used to end with exit 0 and a worthless checkpoint: a loss
that is NaN or infinite from some step on (lr inf, temperature 0, an
infinite FT alpha), and a loader that yields no batch at all (fewer images
than one batch with ``drop_last``). mmdet's ``CheckInvalidLossHook`` finds
the first only every ``interval`` steps, with a bare assertion, and only
for mmdet configs; this hook checks every step
(the loss is already a host value for the log, so the check costs no
sync), names the iteration and the settings that usually cause it, and
raises before the epoch's checkpoint is saved (``CheckpointHook`` runs
after the epoch).
"""

from __future__ import annotations

import math
from typing import Optional

import torch
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ...utils.errors import TrainingError

#: Settings that make a loss diverge, as (dotted key, description).
_SUSPECTS = (
    ('optim_wrapper.optimizer.lr', 'learning rate'),
    ('model.head.temperature', 'temperature'),
    ('model.head.loss.temperature', 'temperature'),
    ('model.ft.pos_alpha', 'FT pos_alpha'),
    ('model.ft.neg_alpha', 'FT neg_alpha'),
)


def _lookup(cfg, dotted: str):
    """``cfg``'s value at ``dotted``, or None."""
    first, _, rest = dotted.partition('.')
    node = cfg.get(first)  # a Config is no dict: step in once
    for part in rest.split('.'):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


@HOOKS.register_module()
class TrainingGuardHook(Hook):
    """Raise :class:`TrainingError` on a non-finite loss or an empty loader.

    Installed by ``tools/train.py`` for every training (see
    :func:`ftcl_mm.engine.train_setup.prepare_config`).

    Args:
        interval: Check every ``interval`` iterations (default every one).
    """

    priority = 'VERY_HIGH'  # before the logger and checkpoint hooks

    def __init__(self, interval: int = 1) -> None:
        if (
            isinstance(interval, bool)
            or not isinstance(interval, int)
            or (interval < 1)
        ):
            raise ValueError(
                f'interval must be an integer >= 1, got {interval!r}'
            )
        self.interval = interval

    def before_train(self, runner) -> None:
        loader = runner.train_dataloader
        try:
            n = len(loader)
        except (TypeError, NotImplementedError):  # no length: nothing to say
            return
        if n > 0:
            return
        ds = getattr(loader, 'dataset', None)
        size = len(ds) if ds is not None and hasattr(ds, '__len__') else '?'
        batch = getattr(loader, 'batch_size', None) or '?'
        raise TrainingError(
            f'the training loader yields no batch: {size} images, '
            f'batch_size {batch} per process with drop_last; lower '
            'train_dataloader.batch_size (MoCo: keep model.queue_len a '
            'multiple of it) or add images'
        )

    def after_train_iter(
        self,
        runner,
        batch_idx: int,
        data_batch: Optional[dict] = None,
        outputs: Optional[dict] = None,
    ) -> None:
        if not outputs or not self.every_n_train_iters(runner, self.interval):
            return
        loss = outputs.get('loss')
        if loss is None:
            return
        value = float(loss.detach()) if torch.is_tensor(loss) else loss
        if math.isfinite(value):
            return
        settings = [
            f'{what} {key}={val}'
            for key, what in _SUSPECTS
            if (val := _lookup(runner.cfg, key)) is not None
        ]
        raise TrainingError(
            f'training diverged: the loss is {value} at iteration '
            f'{runner.iter + 1} (epoch {runner.epoch + 1}); stopped before '
            'writing a checkpoint of it. Usual causes: a learning rate too '
            'high, a temperature near 0, an extreme FT alpha'
            + (f' (this run: {", ".join(settings)})' if settings else '')
        )
