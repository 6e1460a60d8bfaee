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
    assert cfg.view_backend == 'float'  # the tiny regime's
    pre = MODELS.build(dict(cfg, view_backend='pil'))
    assert type(pre).__name__ == 'BatchedViewsDataPreprocessor'
    plain = MODELS.build(
        dict(
            {k: v for k, v in cfg.items() if k != 'view_backend'},
            type='SelfSupDataPreprocessor',
        )
    )
    from mmengine.dataset import default_collate

    keys = [(0, 0, i) for i in range(6)]
    got = pre(default_collate([batched[k] for k in keys]), True)['inputs']
    want = plain(default_collate([per_image[k] for k in keys]), True)
    for g, w in zip(got, want['inputs']):
        assert torch.equal(g, w)
    # The float backend: the same parameters, within a few levels.
    fast = MODELS.build(cfg)
    near = fast(default_collate([batched[k] for k in keys]), True)['inputs']
    for g, w in zip(near, want['inputs']):
        diff = (g - w).abs() * pre.std.view(1, 3, 1, 1)  # back to 0-255
        assert 0 < diff.mean() < 2 and diff.max() < 40
    with pytest.raises(ValueError, match='view_backend must be one of'):
        MODELS.build(dict(cfg, view_backend='cv2'))
    # A batch without view_params (e.g. the per-image pipeline) is left
    # to SelfSupDataPreprocessor unchanged.
    again = pre(default_collate([per_image[k] for k in keys]), True)
    for g, w in zip(again['inputs'], want['inputs']):
        assert torch.equal(g, w)


def test_worker_collate_gives_the_preprocessors_views(
    demo_data, mmpretrain_scope
):
    from mmengine.dataset import default_collate
    from mmengine.registry import FUNCTIONS

    _, batched = _pipelines(osp.join(demo_data, 'imagenet'))
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/selfsup/tiny/simclr_tiny.py')
    ).data_preprocessor
    pre = MODELS.build(cfg)
    keys = [(0, 3, i) for i in range(8)]
    want = pre(default_collate([batched[k] for k in keys]), True)['inputs']
    # As a config names it: train_dataloader.collate_fn.type.
    collate = FUNCTIONS.get('batched_views_collate')
    data = collate([batched[k] for k in keys], view_backend='float')
    # Applied once: the params are gone, so the preprocessor only
    # normalises (the same views as augmenting there).
    assert 'view_params' not in data['data_samples'][0]
    got = pre(data, True)['inputs']
    for g, w in zip(got, want):
        assert torch.equal(g, w)
    # Batches without drawn parameters: default_collate's.
    plain = collate([dict(inputs=torch.zeros(3, 2, 2, dtype=torch.uint8))])
    assert plain['inputs'].shape == (1, 3, 2, 2)
    with pytest.raises(ValueError, match='view_backend must be one of'):
        collate([batched[keys[0]]], view_backend='cv2')


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


def test_float_hue_is_the_hexcone_rotation(images):
    x = _ours(images)
    zero = torch.zeros(len(images), dtype=torch.int64)
    # No shift: the identity (PIL's 8-bit HSV round trip is not: up to 7).
    assert torch.allclose(V.hue_float(x, zero), x, atol=1e-3)
    # A third of a turn (85/255) takes pure red to green, green to blue;
    # 171 (-85) turns back.
    red = torch.zeros(1, 3, 2, 2)
    red[:, 2] = 200  # BGR
    third = torch.tensor([85])
    green = V.hue_float(red, third)
    assert torch.allclose(
        green[0, :, 0, 0], torch.tensor([0.0, 200, 0]), atol=2
    )
    back = V.hue_float(green, torch.tensor([171]))
    assert torch.allclose(back, red, atol=1e-3)
    # Value (max) and max - min are kept, as in any hexcone rotation.
    shifted = V.hue_float(x, torch.arange(len(images)) * 9 % 256)
    assert torch.allclose(shifted.amax(1), x.amax(1), atol=1e-3)
    assert torch.allclose(
        shifted.amax(1) - shifted.amin(1), x.amax(1) - x.amin(1), atol=1e-3
    )


def test_float_backend_stays_near_pil_per_operation(images):
    """The float backend's operations are PIL's on the same parameters
    without the 8-bit steps: blends and grayscale within one level,
    hue within PIL's own 8-bit HSV error."""
    views = torch.from_numpy(images).permute(0, 3, 1, 2).contiguous()
    rng = np.random.default_rng(3)
    params = torch.zeros(len(images), NUM_PARAMS, dtype=torch.float64)
    params[:, V._P['order0'] : V._P['order3'] + 1] = torch.as_tensor(
        np.stack([rng.permutation(4) for _ in images])
    )
    params[:, V._P['brightness']] = torch.as_tensor(
        rng.uniform(0.2, 1.8, len(images))
    )
    params[:, V._P['contrast']] = torch.as_tensor(
        rng.uniform(0.2, 1.8, len(images))
    )
    params[:, V._P['saturation']] = torch.as_tensor(
        rng.uniform(0.2, 1.8, len(images))
    )
    params[:, V._P['hue']] = torch.as_tensor(
        rng.uniform(-0.2, 0.2, len(images))
    )
    params[:, V._P['jitter']] = 1
    params[::3, V._P['gray']] = 1
    w = torch.tensor([0.114, 0.587, 0.2989], dtype=torch.float64)
    params[:, V._P['gray_b'] : V._P['gray_r'] + 1] = w / w.sum()
    diff = V.compare_backends(views, params)
    assert set(diff) == set(V.COMPARED_OPS)
    for op in ('brightness', 'contrast', 'saturation', 'grayscale'):
        assert diff[op]['max'] <= 1, (op, diff[op])
    assert diff['hue']['max'] <= 12 and diff['hue']['mean'] < 1.5
    assert 0 < diff['all']['mean'] < 3
    with pytest.raises(ValueError, match='backend must be one of'):
        V.apply_view_params(views, params, 'cv2')


def test_float_backend_does_not_depend_on_the_thread_count(images):
    views = torch.from_numpy(images).permute(0, 3, 1, 2).contiguous()
    rng = np.random.default_rng(5)
    params = torch.zeros(len(images), NUM_PARAMS, dtype=torch.float64)
    params[:, V._P['jitter']] = 1
    params[:, V._P['order0'] : V._P['order3'] + 1] = torch.as_tensor(
        np.stack([rng.permutation(4) for _ in images])
    )
    for name in ('brightness', 'contrast', 'saturation'):
        params[:, V._P[name]] = torch.as_tensor(
            rng.uniform(0.2, 1.8, len(images))
        )
    params[:, V._P['hue']] = torch.as_tensor(
        rng.uniform(-0.2, 0.2, len(images))
    )
    before = torch.get_num_threads()
    try:
        outs = []
        for threads in (1, 2):
            torch.set_num_threads(threads)
            outs.append(V.apply_view_params(views, params, 'float'))
    finally:
        torch.set_num_threads(before)
    assert torch.equal(outs[0], outs[1])
