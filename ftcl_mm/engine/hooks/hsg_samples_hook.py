"""Write grids of generated hard samples during training."""

import copy
import os.path as osp
from typing import Optional

import torch
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS
from mmpretrain.utils import get_ori_model

from ...visualization.sample_grid import sample_grid, save_png


@HOOKS.register_module()
class HSGSamplesHook(Hook):
    """Every ``interval`` iterations (and after training), generate from a
    fixed noise and write a grid: one row per sample, columns single-
    generator image, pair member a, pair member b. The same noise every
    time, so successive grids show the samples (and the pairs' growing
    difference as ``rho`` falls) evolve.

    Files: ``<work_dir>/hsg_samples/iter_<N>.png`` (written atomically),
    and the visualizer's ``hsg_samples`` image (e.g. TensorBoard).

    Args:
        interval: Iterations between grids.
        num_rows: Samples per grid.
        seed: Seed of the fixed noise.
    """

    priority = 'LOW'

    def __init__(
        self, interval: int = 1000, num_rows: int = 8, seed: int = 0
    ) -> None:
        if interval < 1 or num_rows < 1:
            raise ValueError('interval and num_rows must be >= 1')
        self.interval, self.num_rows, self.seed = interval, num_rows, seed
        self.last_file: Optional[str] = None

    @torch.no_grad()
    def draw(self, runner, step: int) -> Optional[str]:
        """Write the grid after ``step`` trained iterations."""
        model = get_ori_model(runner.model)
        if not hasattr(model, 'generate'):
            raise RuntimeError(
                'HSGSamplesHook needs a Hard Sample '
                'Generation model (HSGSimCLR, HSGMoCo)'
            )
        if not is_main_process():
            return None
        device = next(model.parameters()).device
        gen = torch.Generator(device=device).manual_seed(self.seed)
        # Copies in train mode: batch statistics as in training, and the
        # real generators' BN buffers stay untouched.
        model_gens = {
            n: getattr(model, n) for n in ('generator', 'pair_generator')
        }
        copies = {
            n: copy.deepcopy(get_ori_model(m)).train()
            if m is not None
            else None
            for n, m in model_gens.items()
        }
        try:
            for n, m in copies.items():
                setattr(model, n, m)
            rows = self.num_rows
            samples = model.generate(
                model.current_similarity(),
                device,
                num_single=rows if model.num_single else 0,
                num_pairs=rows if model.num_pairs else 0,
                generator=gen,
            )
        finally:
            for n, m in model_gens.items():
                setattr(model, n, m)
        grid = sample_grid(samples)
        path = osp.join(runner.work_dir, 'hsg_samples', f'iter_{step:07d}.png')
        save_png(grid, path)
        runner.visualizer.add_image('hsg_samples', grid, step=step)
        self.last_file = path
        return path

    def after_train_iter(
        self, runner, batch_idx: int, data_batch=None, outputs=None
    ) -> None:
        if self.every_n_train_iters(runner, self.interval):
            self.draw(runner, runner.iter + 1)

    def after_train(self, runner) -> None:
        if runner.iter % self.interval:
            self.draw(runner, runner.iter)
