"""The downstream tasks: each label is the factor it names, no task image
is a pretraining image, and the layouts load in mmpretrain's datasets."""

import colorsys
import hashlib
import os.path as osp

import cv2
import numpy as np
import pytest

from ftcl_mm.datasets import downstream as D
from ftcl_mm.datasets.shapes import image_rng


@pytest.fixture(scope='module')
def tasks(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('ds'))
    counts = D.write_downstream(root, 4, 64, 0, 10)
    return root, counts


def test_counts_and_layouts_load(tasks, mmpretrain_scope):
    from mmpretrain.registry import DATASETS

    root, counts = tasks
    assert counts == dict(
        colour=dict(train=32, test=32),
        rotation=dict(train=16, test=16),
        finegrained=dict(train=100, test=100),
    )
    for task, n in (('colour', 8), ('rotation', 4)):
        ds = DATASETS.build(
            dict(
                type='CustomDataset',
                data_root=osp.join(root, task),
                ann_file='meta/test.txt',
                data_prefix='test',
            )
        )
        assert len(ds) == counts[task]['test']
        assert sorted(set(ds.get_gt_labels())) == list(range(n))
    for split in ('train', 'test'):
        cub = DATASETS.build(
            dict(
                type='CUB',
                data_root=osp.join(root, 'finegrained'),
                split=split,
                metainfo=dict(classes=D.finegrained_classes()),
            )
        )
        assert len(cub) == 100
        assert sorted(set(cub.get_gt_labels())) == list(range(50))


def _hue(img, mask):
    b, g, r = (img[mask].astype(float) / 255).mean(0)
    return colorsys.rgb_to_hsv(r, g, b)[0]


def test_colour_label_is_the_hue_bin(tasks):
    root, _ = tasks
    for label in range(D.COLOUR_BINS):
        for i in range(4):
            img = cv2.imread(
                osp.join(
                    root,
                    'colour',
                    'test',
                    f'hue{label}',
                    f'hue{label}_{i:05d}.JPEG',
                )
            )
            # Regenerated from its seed: the same picture (JPEG aside).
            again = D.render_colour(
                image_rng(0, f'ds-colour-test-hue{label}', i), 64, label
            )
            assert np.abs(img.astype(int) - again).mean() < 6
            shape = again.max(2) > 150  # bright shape, dark background
            hue = _hue(again, shape)
            assert int(hue * D.COLOUR_BINS) == label, (label, i, hue)


def test_rotation_label_is_the_quarter_turn(tasks):
    for k in range(4):
        rng = image_rng(0, f'ds-rotation-test-rot{90 * k}', 1)
        turned = D.render_rotation(rng, 64, k)
        upright = D.render_rotation(
            image_rng(0, f'ds-rotation-test-rot{90 * k}', 1), 64, 0
        )
        # Turning back gives the upright drawing (up to the pixel noise
        # added after the turn).
        back = np.rot90(turned, -k, axes=(0, 1)).astype(int)
        assert np.abs(back - upright).mean() < 6


def test_finegrained_detail_is_the_label(tasks):
    rng = np.random.default_rng(0)
    solid = D.render_finegrained(rng, 64, 'square', 'solid')
    striped = D.render_finegrained(rng, 64, 'square', 'coarse-stripes')
    inside = lambda im: im[im.max(2) > 120].astype(float)  # noqa: E731
    # A detail is a second tone inside the shape: more spread there.
    assert inside(striped).std() > 2 * inside(solid).std()
    assert D.finegrained_classes()[:5] == [f'circle.{d}' for d in D.DETAILS]


def test_no_task_image_is_a_pretraining_image(tasks, demo_data):
    root, _ = tasks
    import glob

    def digests(pattern):
        return {
            hashlib.sha1(cv2.imread(p).tobytes()).hexdigest()
            for p in glob.glob(pattern, recursive=True)
        }

    pre = digests(osp.join(demo_data, 'imagenet', '**', '*.JPEG'))
    ds = digests(osp.join(root, '**', '*.JPEG')) | digests(
        osp.join(root, '**', '*.jpg')
    )
    assert pre and ds and not pre & ds
