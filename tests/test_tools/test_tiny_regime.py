"""Regression test of the tiny regime: a short fixed-seed SimCLR run must
*learn*, i.e. separate positive from negative scores and give a kNN top-1
far above a random-init backbone of the same architecture.

To fit in two minutes on 2 cores the run is the tiny regime
(``configs/selfsup/tiny/simclr_tiny.py``, its augmentations, optimiser and
loss) scaled down: ResNet-18 at width 8, 32 px images, 10 classes x 200
images, batch 128, 20 epochs (300 steps), seed 0, one thread (so that
the float sums, hence the result, do not depend on the machine's core
count). At the regime's own size one epoch is not enough to beat random
init (SimCLR kNN 24.9 vs 27.6 %), so a test of that size could not tell
learning from noise.
"""

import os.path as osp

import numpy as np
import pytest
import torch

from ftcl_mm.evaluation import extract_features, knn_top1

from ..conftest import ROOT, python_cli

CONFIG = 'configs/selfsup/tiny/simclr_tiny.py'
LINEAR_CONFIG = (
    'configs/benchmarks/classification/tiny/resnet18w16_linear_tiny.py'
)
WIDTH, SIZE, EPOCHS = 8, 32, 20
#: Final (last 10 % of steps) positive - negative mean score, and kNN
#: top-1 (k=20, 300 val images, 10 classes) a learning run must reach;
#: random init starts at a gap of ~0.07 and 22 % kNN. Measured (gap / kNN)
#: at 20 epochs, one thread: 0.236 / 37.3. At 10 epochs the run sat on
#: the bars (1 thread: 0.116 / 28.0; 2 threads: 0.131 / 31.3), so whether
#: it passed depended on the thread count: hence 20 epochs and 1 thread.
MIN_GAP = 0.10
MIN_KNN = 28.0
#: The training child's threads (see the module docstring).
ONE_THREAD = dict(FTCL_THREADS='1')


@pytest.fixture(scope='module')
def small_data(tmp_path_factory) -> str:
    from ftcl_mm.datasets.demo_data import DemoDataSpec, generate_demo_data

    out = str(tmp_path_factory.mktemp('tiny') / 'data')
    generate_demo_data(
        out,
        DemoDataSpec(
            cls_classes=10,
            cls_train_per_class=200,
            cls_val_per_class=30,
            cls_heldout_per_class=1,
            suite_per_class=2,
            cls_size=SIZE,
            det_train=1,
            det_val=1,
            det_size=64,
        ),
    )
    return out


def _small_config(data: str, path: str) -> str:
    """The tiny SimCLR config at width 8 and 32 px on ``data``."""
    from mmengine.config import Config

    cfg = Config.fromfile(osp.join(ROOT, CONFIG))
    cfg.model.backbone.update(stem_channels=WIDTH, base_channels=WIDTH)
    cfg.model.neck.in_channels = WIDTH * 8
    loader = cfg.train_dataloader
    loader.update(batch_size=128, num_workers=0, persistent_workers=False)
    loader.dataset.data_root = f'{data}/imagenet/'
    crop = loader.dataset.pipeline[1].transforms[0][0]
    assert crop.type == 'RandomResizedCrop'
    crop.scale = SIZE
    cfg.train_cfg.max_epochs = EPOCHS
    cfg.param_scheduler[0].update(T_max=EPOCHS, end=EPOCHS)
    cfg.default_hooks.checkpoint.interval = EPOCHS
    cfg.randomness = dict(seed=0)
    # The bars below were measured on the bit-identical view path; at this
    # reduced size (8 channels, 32 px, 10 epochs) one seed on the float
    # path landed on either side of them depending on the thread count
    # (kNN 22.7 with 2 threads), while the full-size regime learns on it
    # (docs/reports/fair_test.md: SimCLR 63-72 kNN). This test guards the
    # pipeline's learning, not the float path's numerics (those:
    # tests/test_models/test_view_ops.py).
    cfg.data_preprocessor.view_backend = 'pil'
    # The learning curve's datasets are the regime's (data/demo), not this
    # small set: no online kNN here (the final kNN below is the check).
    cfg.default_hooks.pop('online_knn')
    cfg.dump(path)
    return path


def _gap(work: str) -> float:
    from ftcl_mm.visualization import load_run

    stats = load_run(work)
    tail = max(1, len(stats['iter']) // 10)
    return float(
        np.nanmean(stats['pos_mean'][-tail:])
        - np.nanmean(stats['neg_mean'][-tail:])
    )


def _knn(data: str, checkpoint=None) -> float:
    """kNN top-1 of the run's backbone (random init if no checkpoint),
    built as tools/benchmarks/knn_eval.py builds it."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmengine.runner import set_random_seed
    from mmpretrain.registry import MODELS

    import ftcl_mm  # noqa: F401

    cfg = Config.fromfile(osp.join(ROOT, LINEAR_CONFIG))
    cfg.model.backbone.update(
        stem_channels=WIDTH, base_channels=WIDTH, init_cfg=None
    )
    init_default_scope('mmpretrain')
    set_random_seed(0)
    model = MODELS.build(
        dict(cfg.model, data_preprocessor=cfg.data_preprocessor)
    )
    model.init_weights()
    if checkpoint:
        state = torch.load(checkpoint, map_location='cpu')['state_dict']
        model.backbone.load_state_dict(
            {
                k[len('backbone.') :]: v
                for k, v in state.items()
                if k.startswith('backbone.')
            }
        )
    model.eval()
    pipeline = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]
    split = dict(
        type='CustomDataset', data_root=f'{data}/imagenet', pipeline=pipeline
    )
    tr_f, tr_l, n = extract_features(
        model,
        dict(split, ann_file='meta/train.txt', data_prefix='train'),
        200,
        'cpu',
    )
    va_f, va_l, _ = extract_features(
        model,
        dict(split, ann_file='meta/val.txt', data_prefix='val'),
        200,
        'cpu',
    )
    return knn_top1(tr_f, tr_l, va_f, va_l, 20, 0.07, n)


def test_simclr_tiny_learns_and_random_init_does_not(small_data, tmp_path):
    work = str(tmp_path / 'simclr')
    config = _small_config(small_data, str(tmp_path / 'simclr_small.py'))
    r = python_cli(
        'tools/train.py', config, '--work-dir', work, env=ONE_THREAD
    )
    assert r.returncode == 0, r.stderr[-3000:]
    gap = _gap(work)
    knn = _knn(small_data, osp.join(work, f'epoch_{EPOCHS}.pth'))
    random_knn = _knn(small_data)
    print(f'gap {gap:.3f}, kNN {knn:.1f}, random-init kNN {random_knn:.1f}')
    assert gap > MIN_GAP, f'pos-neg score gap {gap:.3f} <= {MIN_GAP}'
    assert knn > MIN_KNN, f'kNN top-1 {knn:.1f} <= {MIN_KNN}'
    # The thresholds discriminate: random init fails them (its gap is the
    # first step's, before any update).
    assert random_knn < MIN_KNN
    from ftcl_mm.visualization import load_run

    first = load_run(work)
    assert first['pos_mean'][0] - first['neg_mean'][0] < MIN_GAP


SUPERVISED = 'configs/selfsup/tiny/supervised_tiny.py'
#: Supervised epochs at the reduced size, and the kNN top-1 its backbone
#: must reach; measured 48.7 at seed 0 (3 epochs: 25.7), random init ~22 %
#: (MIN_KNN's reference).
SUP_EPOCHS, SUP_MIN_KNN = 8, 40.0


def test_supervised_tiny_trains_from_scratch_on_labels(small_data, tmp_path):
    """The downstream suite's supervised row: the regime's backbone trained
    end to end (nothing frozen, no checkpoint loaded) on the labels."""
    from mmengine.config import Config

    cfg = Config.fromfile(osp.join(ROOT, SUPERVISED))
    backbone = cfg.model.backbone
    assert backbone.frozen_stages == -1 and backbone.init_cfg is None
    backbone.update(stem_channels=WIDTH, base_channels=WIDTH)
    cfg.model.head.in_channels = WIDTH * 8
    loader = cfg.train_dataloader
    loader.update(batch_size=128, num_workers=0, persistent_workers=False)
    loader.dataset.data_root = f'{small_data}/imagenet/'
    crop = loader.dataset.pipeline[1]
    assert crop.type == 'RandomResizedCrop'
    crop.scale = SIZE
    cfg.train_cfg.max_epochs = SUP_EPOCHS
    cfg.param_scheduler[0].update(T_max=SUP_EPOCHS, end=SUP_EPOCHS)
    cfg.default_hooks.checkpoint.interval = SUP_EPOCHS
    cfg.default_hooks.pop('online_knn')
    config = str(tmp_path / 'supervised_small.py')
    cfg.dump(config)
    work = str(tmp_path / 'supervised')
    r = python_cli(
        'tools/train.py', config, '--work-dir', work, env=ONE_THREAD
    )
    assert r.returncode == 0, r.stderr[-3000:]
    knn = _knn(small_data, osp.join(work, f'epoch_{SUP_EPOCHS}.pth'))
    print(f'supervised kNN {knn:.1f}')
    assert knn > SUP_MIN_KNN, f'kNN top-1 {knn:.1f} <= {SUP_MIN_KNN}'
