"""kNN accuracy of the backbone during pretraining (learning curves).

mmpretrain has no online evaluation for self-supervised runs; solo-learn
evaluates online every epoch. Here the backbone's pooled features of a
labelled train split and a held-out split are taken every ``interval``
epochs and scored with the weighted kNN of
:func:`ftcl_mm.evaluation.knn_top1` (the same as ``knn_eval.py``): a
collapse, a dip after FT starts or a late recovery shows on the curve.
The images are decoded once and kept as one uint8 tensor, so an
evaluation costs one forward pass over them (seconds in the tiny regime).
"""

from __future__ import annotations

import os.path as osp
from typing import List, Optional, Tuple

import torch
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS
from mmpretrain.utils import get_ori_model

from ...evaluation import knn_top1
from ...utils.fileio import write_text

#: The learning curve, one row per evaluation.
CURVE_FILE = 'online_knn.csv'


def _load_split(dataset_cfg: dict) -> Tuple[torch.Tensor, torch.Tensor, int]:
    """Every image of a classification dataset as one uint8 tensor
    (N x 3 x H x W, as its pipeline packs it), labels and classes."""
    from mmengine.dataset import default_collate
    from mmengine.registry import DefaultScope
    from mmpretrain.registry import DATASETS

    with DefaultScope.overwrite_default_scope('mmpretrain'):
        dataset = DATASETS.build(dataset_cfg)
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=256, collate_fn=default_collate
    )
    images, labels = [], []
    for batch in loader:
        images.append(torch.stack(list(batch['inputs'])))
        labels.append(
            torch.stack([s.gt_label[0] for s in batch['data_samples']])
        )
    classes = len(dataset.metainfo.get('classes') or [])
    labels = torch.cat(labels)
    return torch.cat(images), labels, classes or int(labels.max() + 1)


@HOOKS.register_module()
class OnlineKNNHook(Hook):
    """Weighted kNN top-1 of the backbone every ``interval`` epochs.

    Logged as the ``knn/top1`` scalar through mmengine's visualizer
    (TensorBoard, ``vis_data/scalars.json``) and as a row of
    ``<work_dir>/online_knn.csv`` (``epoch,iter,top1``; cut back to the
    resumed epoch on ``--resume``). Rank 0 only.

    Args:
        train: Dataset config of the labelled images the kNN votes with
            (a deterministic pipeline: load and pack).
        val: Dataset config of the held-out images it classifies.
        interval: Evaluate after every ``interval`` epochs (and after the
            last).
        k: Neighbours.
        temperature: Vote weights ``exp(cos / temperature)``.
        batch_size: Images per forward pass.
    """

    priority = 'LOW'  # after the epoch's other hooks, before checkpoints

    def __init__(
        self,
        train: dict,
        val: dict,
        interval: int = 5,
        k: int = 20,
        temperature: float = 0.07,
        batch_size: int = 512,
    ) -> None:
        for name, value in (
            ('interval', interval),
            ('k', k),
            ('batch_size', batch_size),
        ):
            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or (value < 1)
            ):
                raise ValueError(
                    f'{name} must be an integer >= 1, got {value!r}'
                )
        if not 0 < temperature < float('inf'):
            raise ValueError(f'temperature must be > 0, got {temperature!r}')
        self.train_cfg, self.val_cfg = train, val
        self.interval, self.k = interval, k
        self.temperature, self.batch_size = temperature, batch_size
        self._data: Optional[list] = None
        self.rows: List[Tuple[int, int, float]] = []

    def before_train(self, runner) -> None:
        if not is_main_process():
            return
        self.path = osp.join(runner.work_dir, CURVE_FILE)
        if osp.isfile(self.path):  # resume: keep the epochs already run
            with open(self.path) as f:
                for line in f.read().splitlines()[1:]:
                    epoch, it, top1 = line.split(',')
                    if int(epoch) <= runner.epoch:
                        self.rows.append((int(epoch), int(it), float(top1)))
        self._write()

    def after_train_epoch(self, runner) -> None:
        epoch = runner.epoch + 1  # epochs done
        if not is_main_process() or not (
            epoch % self.interval == 0 or epoch == runner.max_epochs
        ):
            return
        top1 = self.evaluate(runner)
        self.rows.append((epoch, runner.iter, top1))
        self._write()
        runner.visualizer.add_scalars({'knn/top1': top1}, step=runner.iter)
        runner.logger.info(
            f'OnlineKNNHook: epoch {epoch}: kNN top-1 {top1:.2f}% (k={self.k},'
            f' {len(self._data[1][0])} held-out images)'
        )

    @torch.no_grad()
    def evaluate(self, runner) -> float:
        """kNN top-1 (%) of the current backbone."""
        if self._data is None:
            self._data = [
                _load_split(self.train_cfg),
                _load_split(self.val_cfg),
            ]
        model = get_ori_model(runner.model)
        backbone = model.backbone
        pre = model.data_preprocessor
        device = next(backbone.parameters()).device
        was_training = backbone.training
        backbone.eval()
        try:
            feats = []
            for images, _, _ in self._data:
                out = []
                for i in range(0, len(images), self.batch_size):
                    x = images[i : i + self.batch_size].to(device).float()
                    if getattr(pre, '_channel_conversion', False):
                        x = x.flip(1)  # BGR -> RGB, as in training
                    if getattr(pre, '_enable_normalize', False):
                        x = (x - pre.mean) / pre.std
                    f = backbone(x)[-1]
                    out.append(f.mean((2, 3)) if f.dim() == 4 else f)
                feats.append(torch.cat(out))
        finally:
            backbone.train(was_training)
        (_, tr_l, classes), (_, va_l, _) = self._data
        return knn_top1(
            feats[0],
            tr_l.to(device),
            feats[1],
            va_l.to(device),
            self.k,
            self.temperature,
            classes,
        )

    def _write(self) -> None:
        write_text(
            self.path,
            'epoch,iter,top1\n'
            + ''.join(f'{e},{i},{t:.3f}\n' for e, i, t in self.rows),
        )
