"""Per-sample augmentation seeds: same key, same views; new epoch, new
views; the caller's RNGs untouched; unreadable images named or skipped."""

import os.path as osp
import random

import numpy as np
import pytest
import torch
from mmengine.dataset import DefaultSampler
from mmpretrain.registry import DATASETS
from PIL import Image

import ftcl_mm  # noqa: F401
from ftcl_mm.datasets import (
    EpochSeededSampler,
    ReproducibleDataset,
    UnreadableImageError,
)
from ftcl_mm.datasets.reproducible import skipped_images


def _folder(root, n=6):
    """A CustomDataset folder of ``n`` random JPEGs in one class."""
    rng = np.random.default_rng(0)
    cls_dir = osp.join(root, 'a')
    import os

    os.makedirs(cls_dir)
    for i in range(n):
        Image.fromarray(rng.integers(0, 255, (48, 48, 3), np.uint8)).save(
            osp.join(cls_dir, f'{i}.jpg')
        )
    return dict(
        type='CustomDataset',
        data_root=str(root),
        with_label=False,
        pipeline=[
            dict(type='LoadImageFromFile'),
            # One draw from each RNG a pipeline may use: numpy (mmcv
            # crops), python random and torch (torchvision transforms).
            dict(type='RandomResizedCrop', scale=24),
            dict(type='PackInputs'),
        ],
    )


def _views(ds, key):
    return ds[key]['inputs'].numpy()


def test_same_key_same_sample_new_epoch_new_sample(tmp_path):
    ds = ReproducibleDataset(DATASETS.build(_folder(tmp_path)))
    a = _views(ds, (0, 0, 3))
    assert np.array_equal(a, _views(ds, (0, 0, 3)))
    assert not np.array_equal(a, _views(ds, (0, 1, 3)))  # next epoch
    assert not np.array_equal(a, _views(ds, (1, 0, 3)))  # another seed
    assert len(ds) == 6 and ds.metainfo == ds.dataset.metainfo


def test_caller_rngs_untouched(tmp_path):
    ds = ReproducibleDataset(DATASETS.build(_folder(tmp_path)))
    random.seed(1), np.random.seed(1), torch.manual_seed(1)
    expected = (random.random(), np.random.rand(), torch.rand(1).item())
    random.seed(1), np.random.seed(1), torch.manual_seed(1)
    ds[(0, 0, 2)]
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == (
        expected
    )


def test_sampler_keys_follow_default_sampler(tmp_path):
    ds = ReproducibleDataset(DATASETS.build(_folder(tmp_path)))
    plain = DefaultSampler(ds, shuffle=True, seed=7)
    keyed = EpochSeededSampler(ds, shuffle=True, seed=7)
    for epoch in (0, 3):
        plain.set_epoch(epoch)
        keyed.set_epoch(epoch)
        assert list(keyed) == [(7, epoch, i) for i in plain]


def test_unreadable_image_named_or_skipped(tmp_path):
    cfg = _folder(tmp_path)
    bad = osp.join(str(tmp_path), 'a', '2.jpg')
    with open(bad, 'r+b') as f:
        f.truncate(100)
    base = DATASETS.build(cfg)
    cfg['pipeline'][0]['imdecode_backend'] = 'pillow'
    strict = ReproducibleDataset(DATASETS.build(cfg))
    with pytest.raises(UnreadableImageError, match=r'2\.jpg.*check_data'):
        strict[(0, 0, 2)]
    skipped = str(tmp_path / 'skipped.txt')
    lenient = ReproducibleDataset(
        DATASETS.build(cfg), skip_unreadable=True, skipped_file=skipped
    )
    with pytest.warns(UserWarning, match='skipping unreadable image'):
        sample = lenient[(0, 0, 2)]
    assert sample['data_samples'].img_path.endswith('3.jpg')
    with open(skipped) as f:
        assert f.read() == f'0\t{bad}\n'  # epoch 0
    assert len(base) == 6


def test_truncated_jpeg_caught_with_cv2(tmp_path):
    # cv2 (mmcv's default decoder) decodes a truncated JPEG without an
    # error; training must refuse it as tools/check_data.py does.
    cfg = _folder(tmp_path)
    bad = osp.join(str(tmp_path), 'a', '2.jpg')
    with open(bad, 'r+b') as f:
        f.truncate(osp.getsize(bad) - 200)
    plain = DATASETS.build(cfg)
    assert plain[2]['inputs'].shape[0] == 3  # cv2 alone: no error
    strict = ReproducibleDataset(DATASETS.build(cfg))
    with pytest.raises(UnreadableImageError, match=r'2\.jpg.*truncated'):
        strict[(0, 0, 2)]
    assert strict[(0, 0, 1)]['inputs'].shape[0] == 3  # the good ones load


def test_each_skipped_image_once_per_epoch(tmp_path):
    # 2.jpg and 3.jpg unreadable: sample 2 fails on 2 and 3 (its
    # replacement), sample 3 on 3 -- three attempts, two images.
    cfg = _folder(tmp_path)
    for name in ('2.jpg', '3.jpg'):
        open(osp.join(str(tmp_path), 'a', name), 'w').close()
    log = str(tmp_path / 'skipped.log')
    ds = ReproducibleDataset(
        DATASETS.build(cfg), skip_unreadable=True, skipped_file=log
    )
    with pytest.warns(UserWarning):
        for epoch in (0, 1):
            for index in (2, 3):
                ds[(0, epoch, index)]
    with open(log) as f:
        assert len(f.read().splitlines()) == 6
    images = [osp.join(str(tmp_path), 'a', n) for n in ('2.jpg', '3.jpg')]
    assert skipped_images(log) == {0: images, 1: images}


def test_pipeline_bug_keeps_its_own_error(tmp_path):
    cfg = _folder(tmp_path)
    cfg['pipeline'].insert(1, dict(type='Resize', scale=(0, 0)))  # cv2 error
    ds = ReproducibleDataset(DATASETS.build(cfg), skip_unreadable=True)
    with pytest.raises(Exception) as info:  # the readable image: no skip
        ds[(0, 0, 0)]
    assert not isinstance(info.value, UnreadableImageError)
