"""Record positive/negative score statistics every iteration.

The FT paper found its method by watching, per iteration, the mean and
variance of the negative scores, the mean of the positive scores and the
gradient norm. :class:`ScoreStatsHook` records them for every algorithm
here (through its :class:`~ftcl_mm.models.FeatureTransform`), before and
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
  TensorBoard or W&B backends show them.

Only rank 0 records; its statistics are over its local batch.
"""
from __future__ import annotations

import math
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

import torch
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS

from ...models.feature_transform import FeatureTransform
from ...models.score_stats import STAT_NAMES

#: Columns of score_stats.csv.
COLUMNS = ('iter', 'epoch', 'ft_enabled', 'loss') + STAT_NAMES + (
    'grad_norm', )
_DEVICE_COLUMNS = ('loss', ) + STAT_NAMES + ('grad_norm', )


class ScoreRecorder:
    """Collects one row of statistics per step on the device.

    Used by :class:`ScoreStatsHook` and by ``tools/analysis/benchmark.py``
    (which measures its cost).

    Args:
        model: The (unwrapped) algorithm; it must contain a
            FeatureTransform (every algorithm of this project does).
        optimizers: Optimizers to take the gradient norm from (step
            pre-hook).
        grad_params: Parameters whose gradient norm is recorded (the
            backbone's).
    """

    def __init__(self, model: torch.nn.Module,
                 optimizers: Sequence[torch.optim.Optimizer],
                 grad_params: Sequence[torch.nn.Parameter]) -> None:
        self.fts = [m for m in model.modules()
                    if isinstance(m, FeatureTransform)]
        if not self.fts:
            raise RuntimeError(
                'ScoreStatsHook needs an algorithm of ftcl_mm (e.g. type='
                '"MoCoFT", with or without ft=...): it has no '
                'FeatureTransform to read scores from')
        for ft in self.fts:
            ft.record_scores = True
        self.params = list(grad_params)
        self._grad_norm: Optional[torch.Tensor] = None
        self._handles = [
            opt.register_step_pre_hook(self._before_step)
            for opt in optimizers
        ]
        self.rows: List[torch.Tensor] = []
        self.meta: List[tuple] = []
        #: Switch for benchmarks that toggle recording between steps.
        self.active = True

    def _before_step(self, optimizer, args, kwargs) -> None:
        if not self.active:
            return
        grads = [p.grad for p in self.params if p.grad is not None]
        if grads:
            self._grad_norm = torch.nn.utils.get_total_norm(grads).float()

    def collect(self, iteration: int, epoch: int,
                loss: Optional[torch.Tensor]) -> None:
        """Append this step's row (device tensor; no host sync)."""
        ft = self.fts[0]
        stats = ft.last_stats
        device = stats.device if stats is not None else (
            self.params[0].device if self.params else torch.device('cpu'))
        nan = torch.full((1, ), math.nan, device=device)
        if stats is None:
            stats = nan.expand(len(STAT_NAMES))
        loss_t = loss.detach().float().reshape(1).to(device) if isinstance(
            loss, torch.Tensor) else nan
        grad = nan if self._grad_norm is None else self._grad_norm.reshape(
            1).to(device)
        self.rows.append(torch.cat([loss_t, stats, grad]))
        self.meta.append((iteration, epoch, int(ft.enabled)))
        ft.last_stats = None
        self._grad_norm = None

    def pop(self) -> List[Dict[str, float]]:
        """All rows collected so far as dicts (one host transfer)."""
        if not self.rows:
            return []
        values = torch.stack(self.rows).cpu().tolist()
        out = []
        for (it, ep, on), vals in zip(self.meta, values):
            row = dict(iter=it, epoch=ep, ft_enabled=on)
            row.update(zip(_DEVICE_COLUMNS, vals))
            out.append(row)
        self.rows, self.meta = [], []
        return out

    def close(self) -> None:
        for h in self._handles:
            h.remove()
        for ft in self.fts:
            ft.record_scores = False


def _format(row: Dict[str, float]) -> str:
    return ','.join(
        str(row[c]) if c in ('iter', 'epoch', 'ft_enabled') else
        f'{row[c]:.7g}' for c in COLUMNS) + '\n'


def read_rows(path: str) -> List[Dict[str, float]]:
    """Complete rows of a score_stats.csv (a torn last line is skipped).

    Raises:
        ValueError: the header is not this version's.
    """
    with open(path) as f:
        text = f.read()
    lines = text.split('\n')
    if not lines or lines[0].split(',') != list(COLUMNS):
        raise ValueError(f'{path} is not a score_stats.csv file (unexpected '
                         'header)')
    rows = []
    # Only newline-terminated lines are complete: drop the last piece.
    for line in lines[1:-1]:
        parts = line.split(',')
        if len(parts) != len(COLUMNS):
            continue
        try:
            vals = [float(p) for p in parts]
        except ValueError:
            continue
        row = dict(zip(COLUMNS, vals))
        for c in ('iter', 'epoch', 'ft_enabled'):
            row[c] = int(row[c])
        rows.append(row)
    return rows


def _write_atomic(path: str, rows: List[Dict[str, float]]) -> None:
    tmp = f'{path}.tmp'
    with open(tmp, 'w') as f:
        f.write(','.join(COLUMNS) + '\n')
        f.writelines(_format(r) for r in rows)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


@HOOKS.register_module()
class ScoreStatsHook(Hook):
    """Record score statistics, lambdas, loss and gradient norm per
    iteration (see module docstring).

    Args:
        interval: Iterations between host transfers/file appends; None uses
            the LoggerHook's interval.
        filename: CSV file name inside the work dir.
        visualize: Also send ``scores/*`` scalars to the runner's visualizer.
    """

    # Before CheckpointHook (VERY_LOW) so a checkpoint's iteration is on
    # disk when the checkpoint is.
    priority = 'NORMAL'

    def __init__(self, interval: Optional[int] = None,
                 filename: str = 'score_stats.csv',
                 visualize: bool = True) -> None:
        if interval is not None and interval < 1:
            raise ValueError('interval must be >= 1')
        self.interval = interval
        self.filename = filename
        self.visualize = visualize
        self.recorder: Optional[ScoreRecorder] = None
        self.path: Optional[str] = None

    def before_train(self, runner) -> None:
        if not is_main_process():
            return
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        wrapper = runner.optim_wrapper
        optimizers = [wrapper.optimizer] if hasattr(
            wrapper, 'optimizer') else [w.optimizer for w in wrapper.values()]
        params = (model.backbone.parameters()
                  if hasattr(model, 'backbone') else model.parameters())
        self.recorder = ScoreRecorder(model, optimizers, params)
        if self.interval is None:
            logger_hook = next((h for h in runner.hooks
                                if type(h).__name__ == 'LoggerHook'), None)
            self.interval = getattr(logger_hook, 'interval', 50)
        self.path = osp.join(runner.work_dir, self.filename)
        kept = []
        if osp.isfile(self.path):
            kept = [r for r in read_rows(self.path) if r['iter'] <= runner.iter]
        _write_atomic(self.path, kept)
        runner.logger.info(
            f'ScoreStatsHook: recording to {self.path} every iteration '
            f'(flushed every {self.interval}); kept {len(kept)} earlier rows')

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if self.recorder is None:
            return
        loss = (outputs or {}).get('loss')
        self.recorder.collect(runner.iter + 1, runner.epoch, loss)
        if self.every_n_train_iters(runner, self.interval) or \
                self.is_last_train_iter(runner):
            self._flush(runner)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self.recorder is not None:
            self._flush(runner)

    def after_train(self, runner) -> None:
        if self.recorder is not None:
            self._flush(runner)
            self.recorder.close()
            self.recorder = None

    def _flush(self, runner) -> None:
        rows = self.recorder.pop()
        if not rows:
            return
        with open(self.path, 'a') as f:
            f.writelines(_format(r) for r in rows)
            f.flush()
            os.fsync(f.fileno())
        if self.visualize:
            for r in rows:
                runner.visualizer.add_scalars(
                    {f'scores/{k}': r[k]
                     for k in COLUMNS[2:] if not math.isnan(r[k])},
                    step=r['iter'])
