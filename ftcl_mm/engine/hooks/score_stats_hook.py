"""Record positive/negative score statistics every iteration.

The FT paper found its method by watching, per iteration, the mean and
variance of the negative scores, the mean of the positive scores and the
gradient norm. :class:`ScoreStatsHook` records them for every algorithm
here (each reports to the :class:`~ftcl_mm.models.ScoreRecorder` this hook
attaches; see ``FeatureTransformMixin``), before and
after FT, cheaply enough to leave on:

* statistics are reduced on the device each step (one small tensor, no
  host sync; memory independent of the queue length) and moved to the host
  in one transfer per logging interval;
* the backbone gradient L2 norm is taken in an optimizer step pre-hook
  (after backward and AMP unscaling, before the update and ``zero_grad``);
* rows go to ``<work_dir>/score_stats.csv``, appended and fsync'ed at each
  interval and before every checkpoint. At start the file is cut back to
  the iterations the run resumes from (and a line half-written by a crash
  is dropped), so a resumed run has no gaps and no duplicates;
* the same values go to mmengine's visualizer (``scores/*`` scalars), so
  TensorBoard or W&B backends show them;
* a collapse alarm (:class:`~ftcl_mm.evaluation.collapse.CollapseAlarm`) warns
  once, in one log line with the iteration, when the encoder stops
  separating positives from negatives.

Only rank 0 records; its statistics are over its local batch.
"""

from __future__ import annotations

import math
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS
from mmpretrain.utils import get_ori_model

from ...evaluation.collapse import CollapseAlarm
from ...formats import score_csv
from ...formats.score_csv import STAT_NAMES, VALUE_COLUMNS
from ...models.algorithms.ft_mixin import FeatureTransformMixin
from ...models.score_stats import ScoreRecorder


class ScoreStatsCollector:
    """Collects one row of statistics per step on the device.

    Attaches a :class:`~ftcl_mm.models.ScoreRecorder` to the algorithm and
    takes the gradient norm in an optimizer step pre-hook. Used by
    :class:`ScoreStatsHook` and by ``tools/performance/ft_cost.py`` (which
    measures its cost).

    Args:
        model: The (unwrapped) algorithm, an FT algorithm of this project
            (any of them, with or without ``ft=...``).
        optimizers: Optimizers to take the gradient norm from.
        grad_params: Parameters whose gradient norm is recorded (the
            backbone's).
    """

    def __init__(
        self,
        model: torch.nn.Module,
        optimizers: Sequence[torch.optim.Optimizer],
        grad_params: Sequence[torch.nn.Parameter],
    ) -> None:
        if not isinstance(model, FeatureTransformMixin):
            raise RuntimeError(
                f'ScoreStatsHook needs an algorithm of ftcl_mm (e.g. type='
                f'"MoCoFT", with or without ft=...), got '
                f'{type(model).__name__}: it reports no scores'
            )
        self.model = model
        self.recorder = ScoreRecorder()
        self.params = list(grad_params)
        self._grad_norm: Optional[torch.Tensor] = None
        self._handles = [
            opt.register_step_pre_hook(self._before_step) for opt in optimizers
        ]
        self.rows: List[torch.Tensor] = []
        self.meta: List[tuple] = []
        self.active = True

    @property
    def active(self) -> bool:
        """Whether the algorithm reports scores and gradients are taken
        (benchmarks toggle it between steps)."""
        return self.model.score_recorder is self.recorder

    @active.setter
    def active(self, on: bool) -> None:
        self.model.score_recorder = self.recorder if on else None

    def _before_step(self, optimizer, args, kwargs) -> None:
        if not self.active:
            return
        grads = [p.grad for p in self.params if p.grad is not None]
        if grads:
            self._grad_norm = torch.nn.utils.get_total_norm(grads).float()

    def collect(
        self, iteration: int, epoch: int, loss: Optional[torch.Tensor]
    ) -> None:
        """Append this step's row (device tensor; no host sync)."""
        stats = self.recorder.take()
        device = (
            stats.device
            if stats is not None
            else (
                self.params[0].device if self.params else torch.device('cpu')
            )
        )
        nan = torch.full((1,), math.nan, device=device)
        if stats is None:
            stats = nan.expand(len(STAT_NAMES))
        loss_t = (
            loss.detach().float().reshape(1).to(device)
            if isinstance(loss, torch.Tensor)
            else nan
        )
        grad = (
            nan
            if self._grad_norm is None
            else self._grad_norm.reshape(1).to(device)
        )
        self.rows.append(torch.cat([loss_t, stats, grad]))
        self.meta.append((iteration, epoch, int(self.model.ft.enabled)))
        self._grad_norm = None

    def pop(self) -> List[Dict[str, float]]:
        """All rows collected so far as dicts (one host transfer)."""
        if not self.rows:
            return []
        values = torch.stack(self.rows).cpu().tolist()
        out = []
        for (it, ep, on), vals in zip(self.meta, values):
            row = dict(iter=it, epoch=ep, ft_enabled=on)
            row.update(zip(VALUE_COLUMNS, vals))
            out.append(row)
        self.rows, self.meta = [], []
        return out

    def close(self) -> None:
        for h in self._handles:
            h.remove()
        self.active = False


@HOOKS.register_module()
class ScoreStatsHook(Hook):
    """Record score statistics, lambdas, loss and gradient norm per
    iteration (see module docstring).

    Args:
        interval: Iterations between host transfers/file appends; None uses
            the LoggerHook's interval.
        filename: CSV file name inside the work dir.
        visualize: Also send ``scores/*`` scalars to the runner's visualizer.
        collapse_alarm: True for the collapse alarm with its defaults, a
            dict of :class:`~ftcl_mm.evaluation.collapse.CollapseAlarm`
            arguments, or False for none.
    """

    # Before CheckpointHook (VERY_LOW) so a checkpoint's iteration is on
    # disk when the checkpoint is.
    priority = 'NORMAL'

    def __init__(
        self,
        interval: Optional[int] = None,
        filename: str = 'score_stats.csv',
        visualize: bool = True,
        collapse_alarm: Union[bool, dict] = True,
    ) -> None:
        if interval is not None and interval < 1:
            raise ValueError('interval must be >= 1')
        if isinstance(collapse_alarm, dict):
            self.alarm: Optional[CollapseAlarm] = CollapseAlarm(
                **collapse_alarm
            )
        else:
            self.alarm = CollapseAlarm() if collapse_alarm else None
        self.interval = interval
        self.filename = filename
        self.visualize = visualize
        self.collector: Optional[ScoreStatsCollector] = None
        self.path: Optional[str] = None

    def before_train(self, runner) -> None:
        if not is_main_process():
            return
        model = get_ori_model(runner.model)
        wrapper = runner.optim_wrapper
        optimizers = (
            [wrapper.optimizer]
            if hasattr(wrapper, 'optimizer')
            else [w.optimizer for w in wrapper.values()]
        )
        params = (
            model.backbone.parameters()
            if hasattr(model, 'backbone')
            else model.parameters()
        )
        self.collector = ScoreStatsCollector(model, optimizers, params)
        if self.interval is None:
            logger_hook = next(
                (h for h in runner.hooks if type(h).__name__ == 'LoggerHook'),
                None,
            )
            self.interval = getattr(logger_hook, 'interval', 50)
        self.path = osp.join(runner.work_dir, self.filename)
        kept = score_csv.truncate(self.path, runner.iter)
        runner.logger.info(
            f'ScoreStatsHook: recording to {self.path} every iteration '
            f'(flushed every {self.interval}); kept {kept} earlier rows'
        )

    def after_train_iter(
        self,
        runner,
        batch_idx: int,
        data_batch=None,
        outputs: Optional[dict] = None,
    ) -> None:
        if self.collector is None:
            return
        loss = (outputs or {}).get('loss')
        self.collector.collect(runner.iter + 1, runner.epoch, loss)
        if self.every_n_train_iters(
            runner, self.interval
        ) or self.is_last_train_iter(runner):
            self.flush(runner)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self.collector is not None:
            self.flush(runner)

    def after_train(self, runner) -> None:
        if self.collector is not None:
            self.flush(runner)
            self.collector.close()
            self.collector = None

    def flush(self, runner) -> None:
        """Write the rows collected since the last flush (also called by
        the FT gate, which reads the file)."""
        rows = self.collector.pop()
        if not rows:
            return
        score_csv.append_rows(self.path, rows)
        if self.alarm is not None:
            for r in rows:
                message = self.alarm.update(r)
                if message:
                    runner.logger.warning(f'ScoreStatsHook: {message}')
        if self.visualize:
            for r in rows:
                runner.visualizer.add_scalars(
                    {
                        f'scores/{k}': r[k]
                        for k in score_csv.COLUMNS[2:]
                        if not math.isnan(r[k])
                    },
                    step=r['iter'],
                )
