"""RotationWithLabel: the label is the rotation applied."""

import numpy as np
import pytest
from mmpretrain.registry import TRANSFORMS

import ftcl_mm  # noqa: F401

pytestmark = pytest.mark.usefixtures('mmpretrain_scope')


def test_deterministic_rotation_label():
    t = TRANSFORMS.build(dict(type='RotationWithLabel', deterministic=True))
    img = np.arange(2 * 3 * 3).reshape(2, 3, 3).astype(np.uint8)
    for idx in range(8):
        out = t(dict(img=img.copy(), sample_idx=idx, gt_label=7))
        assert out['gt_label'] == idx % 4
        assert np.array_equal(out['img'], np.rot90(img, idx % 4))
        assert out['img_shape'] == out['img'].shape[:2]


def test_random_rotation_label_matches_image():
    t = TRANSFORMS.build(dict(type='RotationWithLabel'))
    img = np.random.default_rng(0).integers(0, 255, (4, 4, 3), np.uint8)
    np.random.seed(0)
    labels = set()
    for _ in range(40):
        out = t(dict(img=img.copy()))
        assert np.array_equal(out['img'], np.rot90(img, out['gt_label']))
        labels.add(out['gt_label'])
    assert labels == {0, 1, 2, 3}


def test_random_rot90_probability_zero_is_identity():
    t = TRANSFORMS.build(dict(type='RandomRot90', prob=0.0))
    img = np.zeros((4, 6, 3), np.uint8)
    out = t(dict(img=img))
    assert out['img'] is img and out['rot90'] == 0
