"""The paper's MoCo momentum study (Figs. 3-5): MoCo v2 trained once per
key-encoder momentum m with score statistics recorded, then the score
curves, the 3D waterfall and the gradient-norm landscape, where the
collapse at m = 0.5 shows. ``tools/studies/momentum_study.py`` is its
command line; the book's ``momentum`` study runs the tiny cells over
seeds."""

from __future__ import annotations

import os
import os.path as osp
from typing import List, Optional, Sequence

from ..utils.errors import UserInputError
from .launcher import Sweep, SweepJob, ToolCalls
from .pipeline import epochs_options

#: Scale -> the MoCo v2 config trained at each momentum.
CONFIGS = dict(
    tiny='configs/selfsup/tiny/mocov2_tiny.py',
    demo='configs/selfsup/demo/mocov2_demo.py',
    paper='configs/selfsup/mocov2_in100.py',
)


def train_options(
    m: float,
    cfg_options: Sequence[str] = (),
    data_root: Optional[str] = None,
    epochs: Optional[int] = None,
) -> List[str]:
    """``--cfg-options`` of the run with momentum ``m`` (mmpretrain's
    ``model.momentum`` is 1 - m), then the user's, the data root and the
    schedule length."""
    opts = [f'model.momentum={1 - m:.6g}', *cfg_options]
    if data_root:
        opts.append(f'train_dataloader.dataset.data_root={data_root}')
    if epochs:
        opts += epochs_options(epochs)
    return opts


def run(
    root: str,
    work_dir: str,
    momentums: Sequence[float],
    scale: str = 'tiny',
    gpus: int = 1,
    cfg_options: Sequence[str] = (),
    data_root: Optional[str] = None,
    epochs: Optional[int] = None,
    smooth: int = 1,
) -> List[str]:
    """Train (or resume) one run per momentum under ``work_dir/m<m>``, one
    at a time (each takes every core it is given), then plot them into
    ``work_dir/plots``.

    Returns:
        One line per failed run (empty: all finished and plotted).

    Raises:
        UserInputError: ``data_root`` does not exist (before any run).
        KeyboardInterrupt: Interrupted (every finished run is kept).
    """
    if data_root and not osp.isdir(data_root):
        raise UserInputError(
            f'--data-root {data_root} does not exist; generate the '
            'tiny data with tools/make_demo_data.py or pass your dataset'
        )
    calls = ToolCalls(root, dict(os.environ), gpus)
    jobs, labels = [], []
    for m in momentums:
        run_dir = osp.join(work_dir, f'm{m:g}')

        def train(m=m, run_dir=run_dir) -> dict:
            calls.call(
                calls.train(
                    CONFIGS[scale],
                    run_dir,
                    '--resume',
                    '--cfg-options',
                    *train_options(m, cfg_options, data_root, epochs),
                ),
                osp.join(run_dir, 'study.log'),
            )
            return dict(momentum=m)

        jobs.append(SweepJob(f'm={m:g}', run_dir, train))
        labels.append(f'm={m:g}')
    failed = Sweep('momentum_study').run(jobs)
    if failed:
        return failed
    from ..visualization import plot_runs

    for path in plot_runs(
        [j.work_dir for j in jobs], osp.join(work_dir, 'plots'), labels, smooth
    ):
        print(path)
    return []
