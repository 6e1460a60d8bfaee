"""The tiny regime's downstream suite: one frozen backbone, every task, one
row (VTAB-style: each task scored on its own, nothing fine-tuned).

Tasks (:mod:`ftcl_mm.datasets.downstream` generates them with the data):

* ``coarse``: the pretraining classes (outlines) on the 10,000 held-out
  images;
* ``colour``, ``rotation``, ``finegrained``: the nuisance factors as
  labels (weighted kNN k = 20 and the cached linear probe);
* ``fewshot``: 5-way 1-shot and 5-shot episodes on the fine-grained test
  images, nearest class mean of the L2-normalised features, mean and 95 %
  interval over the episodes;
* ``corruptions``: kNN top-1 of the coarse task under noise, blur, JPEG
  and contrast at 5 severities (:mod:`.corruptions`), and their mean
  (mCA), with the clean training features as the memory.

Features are computed once per task and split; a whole suite on the tiny
backbone takes seconds to a few minutes on 2 cores.
"""

from __future__ import annotations

import copy
import math
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from .corruptions import CORRUPTIONS, corrupt
from .features import extract_features
from .knn import knn_top1
from .linear_probe import linear_probe_top1

#: Every task, in report order.
SUITE_TASKS = (
    'coarse',
    'colour',
    'rotation',
    'finegrained',
    'fewshot',
    'corruptions',
)
_PIPELINE = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]


def task_datasets(data_root: str, task: str) -> Dict[str, dict]:
    """``{'train': cfg, 'test': cfg}`` dataset configs of a task under the
    generated data root (``<root>/imagenet``, ``<root>/downstream``)."""
    if task in ('coarse', 'corruptions'):
        root = osp.join(data_root, 'imagenet')
        return dict(
            train=dict(
                type='CustomDataset',
                data_root=root,
                ann_file='meta/train.txt',
                data_prefix='train',
                pipeline=_PIPELINE,
            ),
            test=dict(
                type='CustomDataset',
                data_root=root,
                ann_file='meta/heldout.txt',
                data_prefix='heldout',
                pipeline=_PIPELINE,
            ),
        )
    if task in ('colour', 'rotation'):
        root = osp.join(data_root, 'downstream', task)
        return {
            split: dict(
                type='CustomDataset',
                data_root=root,
                ann_file=f'meta/{split}.txt',
                data_prefix=split,
                pipeline=_PIPELINE,
            )
            for split in ('train', 'test')
        }
    if task in ('finegrained', 'fewshot'):
        root = osp.join(data_root, 'downstream', 'finegrained')
        with open(osp.join(root, 'classes.txt')) as f:
            names = [line.split()[1] for line in f.read().splitlines()]
        return {
            split: dict(
                type='CUB',
                data_root=root,
                split=split,
                pipeline=_PIPELINE,
                metainfo=dict(classes=names),
            )
            for split in ('train', 'test')
        }
    raise ValueError(f'unknown task {task!r}; known: {", ".join(SUITE_TASKS)}')


def missing_tasks(data_root: str, tasks: Sequence[str]) -> List[str]:
    """Tasks whose folders are not under ``data_root``."""
    need = {
        'coarse': 'imagenet/meta/heldout.txt',
        'corruptions': 'imagenet/meta/heldout.txt',
        'colour': 'downstream/colour/meta/test.txt',
        'rotation': 'downstream/rotation/meta/test.txt',
        'finegrained': 'downstream/finegrained/images.txt',
        'fewshot': 'downstream/finegrained/images.txt',
    }
    return [t for t in tasks if not osp.isfile(osp.join(data_root, need[t]))]


def few_shot(
    feats: torch.Tensor,
    labels: torch.Tensor,
    ways: int = 5,
    shots: int = 1,
    queries: int = 15,
    episodes: int = 200,
    seed: int = 0,
) -> Dict[str, float]:
    """Nearest-class-mean accuracy (%) over ``episodes`` episodes: mean
    and 95 % interval (1.96 std / sqrt(episodes)).

    Raises:
        ValueError: fewer than ``ways`` classes with ``shots + queries``
            images.
    """
    feats = torch.nn.functional.normalize(feats.float(), dim=1)
    labels = labels.cpu().numpy()
    by_class = {
        c: np.flatnonzero(labels == c)
        for c in np.unique(labels)
        if (labels == c).sum() >= shots + queries
    }
    if len(by_class) < ways:
        raise ValueError(
            f'{ways}-way {shots}-shot with {queries} queries needs {ways} '
            f'classes of {shots + queries} images; {len(by_class)} have them'
        )
    rng = np.random.default_rng(seed)
    classes = np.array(sorted(by_class))
    accs = []
    for _ in range(episodes):
        chosen = rng.choice(classes, ways, replace=False)
        protos, query, truth = [], [], []
        for i, c in enumerate(chosen):
            idx = rng.permutation(by_class[c])[: shots + queries]
            protos.append(feats[idx[:shots]].mean(0))
            query.append(feats[idx[shots:]])
            truth += [i] * queries
        protos = torch.nn.functional.normalize(torch.stack(protos), dim=1)
        pred = (torch.cat(query) @ protos.T).argmax(1)
        accs.append(
            100.0 * float((pred == torch.tensor(truth)).float().mean())
        )
    mean = float(np.mean(accs))
    ci = 1.96 * float(np.std(accs, ddof=1)) / math.sqrt(episodes)
    return dict(mean=round(mean, 2), ci95=round(ci, 2))


@torch.no_grad()
def _image_features(model, images: torch.Tensor, device, batch: int):
    """Pooled backbone features of uint8 N x 3 x H x W images through the
    classifier's own data preprocessor."""
    out = []
    for i in range(0, len(images), batch):
        data = model.data_preprocessor(
            dict(inputs=list(images[i : i + batch]), data_samples=None),
            False,
        )
        x = model.backbone(data['inputs'].to(device))[-1]
        out.append(x.mean((2, 3)) if x.dim() == 4 else x)
    return torch.cat(out)


def _load_images(dataset_cfg: dict, per_class: int):
    """The first ``per_class`` images of each class, uint8, and labels."""
    from mmengine.registry import DefaultScope
    from mmpretrain.registry import DATASETS

    with DefaultScope.overwrite_default_scope('mmpretrain'):
        ds = DATASETS.build(dataset_cfg)
    labels = np.asarray(ds.get_gt_labels())
    keep = np.concatenate(
        [np.flatnonzero(labels == c)[:per_class] for c in np.unique(labels)]
    )
    items = [ds[int(i)] for i in keep]
    return (
        torch.stack([it['inputs'] for it in items]),
        torch.as_tensor(labels[keep]),
    )


def evaluate_suite(
    model,
    linear_cfg,
    data_root: str,
    tasks: Sequence[str] = SUITE_TASKS,
    device: Optional[torch.device] = None,
    batch_size: int = 256,
    seed: int = 0,
    k: int = 20,
    temperature: float = 0.07,
    episodes: int = 200,
    corrupt_per_class: int = 100,
    log=print,
) -> Dict[str, float]:
    """One row: every task's scores for ``model``'s frozen backbone.

    Args:
        model: An mmpretrain classifier (its data preprocessor and
            backbone are used, in eval mode), weights loaded.
        linear_cfg: The linear-evaluation config whose head, optimizer and
            schedule the probes use (``num_classes`` set per task).
        data_root: The generated data (``imagenet/``, ``downstream/``).
        tasks: A subset of :data:`SUITE_TASKS`.
        device: Where the backbone runs (default: the model's).
        batch_size: Images per forward pass.
        seed: Seeds the probes and the episodes.
        k: kNN neighbours.
        temperature: kNN vote temperature.
        episodes: Few-shot episodes per setting.
        corrupt_per_class: Held-out images per class that are corrupted.
        log: Progress output.

    Returns:
        ``{<task>_knn, <task>_linear, fewshot_1shot, fewshot_1shot_ci95,
        fewshot_5shot, ..., corruptions_<name>_<severity>, corruptions_mca,
        corruptions_clean}`` (top-1 %, rounded to 2 digits).
    """
    device = device or next(model.backbone.parameters()).device
    model.eval()
    row: Dict[str, float] = {}
    cache: Dict[tuple, tuple] = {}

    def features(task: str, split: str):
        key = ('coarse' if task == 'corruptions' else task, split)
        if task == 'fewshot':
            key = ('finegrained', split)
        if key not in cache:
            cfg = task_datasets(data_root, key[0])[split]
            cache[key] = extract_features(model, cfg, batch_size, device)
        return cache[key]

    for task in tasks:
        if task in ('coarse', 'colour', 'rotation', 'finegrained'):
            tr_f, tr_l, n = features(task, 'train')
            te_f, te_l, _ = features(task, 'test')
            row[f'{task}_knn'] = round(
                knn_top1(tr_f, tr_l, te_f, te_l, k, temperature, n), 2
            )
            cfg = copy.deepcopy(linear_cfg)
            cfg.model.head.num_classes = n
            row[f'{task}_linear'] = round(
                linear_probe_top1(cfg, tr_f, tr_l, te_f, te_l, seed=seed), 2
            )
            log(
                f'[suite] {task}: kNN {row[f"{task}_knn"]:.2f} %, linear '
                f'{row[f"{task}_linear"]:.2f} % ({len(te_f)} test images, '
                f'{n} classes)'
            )
        elif task == 'fewshot':
            te_f, te_l, _ = features(task, 'test')
            # 15 queries per class (the usual protocol) where the smallest
            # class has 5 + 15 test images; fewer on smaller data.
            smallest = int(torch.bincount(te_l.cpu()).min())
            queries = max(1, min(15, smallest - 5))
            row['fewshot_queries'] = queries
            for shots in (1, 5):
                r = few_shot(te_f, te_l, 5, shots, queries, episodes, seed)
                row[f'fewshot_{shots}shot'] = r['mean']
                row[f'fewshot_{shots}shot_ci95'] = r['ci95']
                log(
                    f'[suite] fewshot 5-way {shots}-shot: {r["mean"]:.2f} '
                    f'± {r["ci95"]:.2f} % ({episodes} episodes, {queries} '
                    'queries per class)'
                )
        elif task == 'corruptions':
            tr_f, tr_l, n = features(task, 'train')
            images, labels = _load_images(
                task_datasets(data_root, 'coarse')['test'], corrupt_per_class
            )
            clean = _image_features(model, images, device, batch_size)
            row['corruptions_clean'] = round(
                knn_top1(tr_f, tr_l, clean, labels, k, temperature, n), 2
            )
            accs = []
            for name in CORRUPTIONS:
                for severity in range(1, 6):
                    rng = np.random.default_rng([seed, severity])
                    bad = torch.stack(
                        [
                            torch.from_numpy(
                                corrupt(
                                    img.permute(1, 2, 0).numpy(),
                                    name,
                                    severity,
                                    rng,
                                )
                            ).permute(2, 0, 1)
                            for img in images
                        ]
                    )
                    f = _image_features(model, bad, device, batch_size)
                    acc = knn_top1(tr_f, tr_l, f, labels, k, temperature, n)
                    row[f'corruptions_{name}_{severity}'] = round(acc, 2)
                    accs.append(acc)
            row['corruptions_mca'] = round(float(np.mean(accs)), 2)
            log(
                f'[suite] corruptions: mCA {row["corruptions_mca"]:.2f} % '
                f'(clean {row["corruptions_clean"]:.2f} %, {len(images)} '
                'images x 4 corruptions x 5 severities, kNN)'
            )
        else:
            raise ValueError(
                f'unknown task {task!r}; known: {", ".join(SUITE_TASKS)}'
            )
    return row
