"""The shape renderer: every class draws, deterministically, with holes
and occlusion handled."""

import numpy as np
import pytest

from ftcl_mm.datasets.shapes import SHAPES, image_rng, render_scene, shape_mask


@pytest.mark.parametrize('cls', SHAPES)
def test_every_shape_draws_a_compact_mask(cls):
    mask = shape_mask(cls, image_rng(0, 'train', 0), 64, 64, 32, 32, 20)
    area = mask.sum()
    # Outlines live in [-r, r]^2 (rotated): within r * sqrt(2) of the
    # centre (+1 px of rasterisation), and not a speck.
    assert 0.1 * np.pi * 20**2 < area < (2 * 20 + 2) ** 2
    ys, xs = np.nonzero(mask)
    assert np.hypot(ys - 32, xs - 32).max() <= 20 * np.sqrt(2) + 1


def test_ring_has_a_hole():
    mask = shape_mask('ring', image_rng(0, 'train', 0), 64, 64, 32, 32, 20)
    assert not mask[32, 32] and mask.sum() > 0


def test_shapes_differ_from_each_other():
    masks = [
        shape_mask(c, image_rng(1, 'x', 0), 64, 64, 32, 32, 20) for c in SHAPES
    ]
    for i in range(len(SHAPES)):
        for j in range(i + 1, len(SHAPES)):
            iou = (masks[i] & masks[j]).sum() / (masks[i] | masks[j]).sum()
            assert iou < 0.95, (SHAPES[i], SHAPES[j])


def test_unknown_shape():
    with pytest.raises(ValueError, match='unknown shape'):
        shape_mask('hexagon', image_rng(0, 'x', 0), 8, 8, 4, 4, 2)


def test_render_is_deterministic_per_image_key():
    a, objs_a = render_scene(
        image_rng(3, 'val', 7), 64, 64, ['star'], (10, 20)
    )
    b, objs_b = render_scene(
        image_rng(3, 'val', 7), 64, 64, ['star'], (10, 20)
    )
    c, _ = render_scene(image_rng(3, 'val', 8), 64, 64, ['star'], (10, 20))
    assert a.dtype == np.uint8 and a.shape == (64, 64, 3)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert [o['label'] for o in objs_a] == [SHAPES.index('star')]
    assert np.array_equal(objs_a[0]['mask'], objs_b[0]['mask'])


def test_occluded_masks_do_not_overlap():
    # Two large shapes in a small image must overlap; the first loses the
    # hidden part (or is dropped when mostly hidden).
    for index in range(5):
        _, objs = render_scene(
            image_rng(0, 'det', index),
            48,
            48,
            ['square', 'circle'],
            (16, 20),
            min_visible=0.0,
        )
        if len(objs) == 2:
            assert not (objs[0]['mask'] & objs[1]['mask']).any()
