"""Batched view augmentation = the per-image transforms it replaces, bit
for bit: each operation on the same parameters, and whole views drawn
from the same seeds through the real tiny pipeline."""

import os.path as osp

import mmcv
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmpretrain.registry import DATASETS, MODELS, TRANSFORMS

import ftcl_mm  # noqa: F401
from ftcl_mm.datasets import ReproducibleDataset
from ftcl_mm.datasets.transforms.view_params import NUM_PARAMS
from ftcl_mm.models.data_preprocessors import view_ops as V

from ..conftest import ROOT

TINY = osp.join(ROOT, 'configs/_base_/datasets/tiny_selfsup.py')
#: mmpretrain's ColorJitter uses the pillow backend (mmcv's default: cv2).
PIL = 'pillow'


@pytest.fixture(scope='module')
def images():
    """Random BGR images and smooth ones (flat areas: hue/saturation
    corner cases)."""
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, (24, 32, 32, 3), dtype=np.uint8)
    ramp = np.linspace(0, 255, 32, dtype=np.float64)
    smooth = np.stack(
        [
            np.dstack(
                np.broadcast_arrays(
                    ramp[None, :] * a,
                    ramp[:, None] * b,
                    255 - c * ramp[None, :],
                )
            )
            .clip(0, 255)
            .astype(np.uint8)
            for a, b, c in rng.uniform(0, 1, (8, 3))
        ]
    )
    return np.concatenate([noise, smooth, np.zeros_like(smooth[:1])])


def _ours(images):
    return torch.from_numpy(images).permute(0, 3, 1, 2).float()


def _back(t):
    return t.permute(0, 2, 3, 1).numpy().astype(np.uint8)


@pytest.mark.parametrize('factor', [0.2, 0.75, 1.0, 1.33, 1.8])
def test_pil_enhancers_bit_exact(images, factor):
    f = torch.full((len(images),), factor, dtype=torch.float32)
    for ours, ref in (
        (V.brightness, lambda im: mmcv.adjust_brightness(im, factor, PIL)),
        (V.contrast, lambda im: mmcv.adjust_contrast(im, factor, PIL)),
        (V.saturation, lambda im: mmcv.adjust_color(im, factor, 0, 0, PIL)),
    ):
        want = np.stack([ref(im) for im in images])
        assert np.array_equal(_back(ours(_ours(images), f)), want), ours


@pytest.mark.parametrize('shift', [-0.2, -0.07, 0.0, 0.05, 0.2])
def test_pil_hue_bit_exact(images, shift):
    want = np.stack([mmcv.adjust_hue(im, shift, PIL) for im in images])
    got = V.hue(_ours(images), V.hue_shift([shift] * len(images)))
    assert np.array_equal(_back(got), want)


def _pipelines(data_root):
    """The tiny regime's per-image views and its batched replacement."""
    cfg = Config.fromfile(TINY)
    ds = dict(
        type='CustomDataset',
        data_root=data_root,
        ann_file='meta/train.txt',
        data_prefix='train',
    )
    per_image = dict(
        ds,
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(
                type='MultiView',
                num_views=2,
                transforms=[cfg.tiny_view_pipeline],
            ),
            dict(type='PackInputs'),
        ],
    )
    batched = dict(ds, pipeline=cfg.tiny_train_dataloader.dataset.pipeline)
    return (
        ReproducibleDataset(DATASETS.build(per_image)),
        ReproducibleDataset(DATASETS.build(batched)),
    )


def test_whole_views_equal_the_per_image_pipeline(demo_data, mmpretrain_scope):
    per_image, batched = _pipelines(osp.join(demo_data, 'imagenet'))
    keys = [(s, e, i) for s in (0, 7) for e in (0, 3) for i in range(12)]
    want = [per_image[k]['inputs'] for k in keys]
    samples = [batched[k] for k in keys]
    params = torch.as_tensor(
        np.stack([s['data_samples'].view_params for s in samples])
    )
    assert params.shape == (len(keys), 2, NUM_PARAMS)
    # Every branch of the augmentation occurred in these samples.
    for name in ('jitter', 'gray', 'flip'):
        col = params[..., V._P[name]]
        assert 0 < col.mean() < 1, name
    assert set(params[..., V._P['rot90_k']].flatten().tolist()) == {
        0.0,
        1.0,
        2.0,
        3.0,
    }
    for view in range(2):
        crops = torch.stack([s['inputs'][view] for s in samples])
        got = V.apply_view_params(crops, params[:, view])
        for k, (g, w) in enumerate(zip(got, want)):
            assert torch.equal(g, w[view]), (keys[k], view)


def test_preprocessor_applies_params_and_passes_others(
    demo_data, mmpretrain_scope
):
    per_image, batched = _pipelines(osp.join(demo_data, 'imagenet'))
    # The tiny configs' preprocessor: mmpretrain's, with the type swapped.
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/selfsup/tiny/simclr_tiny.py')
    ).data_preprocessor
    pre = MODELS.build(cfg)
    assert type(pre).__name__ == 'BatchedViewsDataPreprocessor'
    plain = MODELS.build(dict(cfg, type='SelfSupDataPreprocessor'))
    from mmengine.dataset import default_collate

    keys = [(0, 0, i) for i in range(6)]
    got = pre(default_collate([batched[k] for k in keys]), True)['inputs']
    want = plain(default_collate([per_image[k] for k in keys]), True)
    for g, w in zip(got, want['inputs']):
        assert torch.equal(g, w)
    # A batch without view_params (e.g. the per-image pipeline) is left
    # to SelfSupDataPreprocessor unchanged.
    again = pre(default_collate([per_image[k] for k in keys]), True)
    for g, w in zip(again['inputs'], want['inputs']):
        assert torch.equal(g, w)


def test_draw_view_params_refuses_what_it_cannot_draw(mmpretrain_scope):
    with pytest.raises(ValueError, match='cannot draw RandomResizedCrop'):
        TRANSFORMS.build(
            dict(
                type='DrawViewParams',
                transforms=[dict(type='RandomResizedCrop', scale=8)],
            )
        )
    with pytest.raises(ValueError, match='in the order'):
        TRANSFORMS.build(
            dict(
                type='DrawViewParams',
                transforms=[
                    dict(type='RandomFlip', prob=0.5),
                    dict(type='RandomRot90'),
                ],
            )
        )


def test_multiview_with_params_needs_drawn_params(mmpretrain_scope):
    views = TRANSFORMS.build(
        dict(
            type='MultiViewWithParams',
            num_views=2,
            transforms=[[dict(type='RandomFlip', prob=0.5)]],
        )
    )
    img = np.zeros((8, 8, 3), np.uint8)
    with pytest.raises(KeyError, match='has no DrawViewParams'):
        views(dict(img=img))
