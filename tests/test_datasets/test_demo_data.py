"""The demo data generator writes valid data in the real formats."""

import hashlib
import json
import os
import os.path as osp

import numpy as np
import pytest

from ftcl_mm.datasets.demo_data import (
    DemoDataSpec,
    generate_demo_data,
)
from ftcl_mm.datasets.shapes import SHAPES

from ..conftest import TINY, python_cli


def _tree_digest(root: str) -> str:
    h = hashlib.sha256()
    for d, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            p = osp.join(d, f)
            h.update(osp.relpath(p, root).encode())
            with open(p, 'rb') as fh:
                h.update(fh.read())
    return h.hexdigest()


def test_layout_and_determinism(demo_data, tmp_path):
    for rel in (
        'imagenet/meta/train.txt',
        'imagenet/meta/val.txt',
        'VOCdevkit/VOC2007/ImageSets/Main/trainval.txt',
        'VOCdevkit/VOC2007/ImageSets/Main/test.txt',
        'VOCdevkit/VOC2012/ImageSets/Main/trainval.txt',
        'coco/annotations/instances_train2017.json',
        'coco/annotations/instances_val2017.json',
    ):
        assert osp.isfile(osp.join(demo_data, rel)), rel
    with open(osp.join(demo_data, 'imagenet/meta/train.txt')) as f:
        lines = f.read().split()
    assert len(lines) == (
        2 * TINY['cls_train_per_class'] * TINY['cls_classes']
    )

    # Same spec, other directory, parts written by two processes:
    # byte-identical output.
    again = str(tmp_path / 'again')
    generate_demo_data(again, DemoDataSpec(**TINY), workers=2)
    assert _tree_digest(again) == _tree_digest(demo_data)
    # Another seed changes the images.
    other = str(tmp_path / 'other')
    generate_demo_data(other, DemoDataSpec(**dict(TINY, seed=1)))
    assert _tree_digest(other) != _tree_digest(demo_data)


def test_force_never_replaces_a_folder_it_did_not_write(tmp_path):
    user = tmp_path / 'mine'
    user.mkdir()
    (user / 'notes.txt').write_text('keep me')
    for force in (False, True):
        with pytest.raises(FileExistsError, match='not generated here') as e:
            generate_demo_data(str(user), DemoDataSpec(**TINY), force=force)
        assert '--force' not in str(e.value).split(';')[1].split('(')[0]
    assert (user / 'notes.txt').read_text() == 'keep me'
    assert sorted(os.listdir(tmp_path)) == ['mine']


def test_rerun_is_noop_and_foreign_dir_is_refused(tmp_path):
    spec = DemoDataSpec(**TINY)
    out = str(tmp_path / 'd')
    assert generate_demo_data(out, spec) is True
    assert generate_demo_data(out, spec) is False
    with pytest.raises(FileExistsError, match='--force'):
        generate_demo_data(out, DemoDataSpec(**dict(TINY, seed=5)))
    assert (
        generate_demo_data(out, DemoDataSpec(**dict(TINY, seed=5)), force=True)
        is True
    )
    # No temporary directories are left beside the output.
    assert sorted(os.listdir(tmp_path)) == ['d']
    # Data of an older version (its marker lacks the newer fields, which
    # are at their defaults here) is regenerated without --force.
    new = DemoDataSpec(
        **dict(TINY, tdet_train=500, tdet_val=200, tdet_size=128)
    )
    marker = tmp_path / 'd' / 'demo_data.json'
    old = {
        k: v
        for k, v in json.loads(marker.read_text()).items()
        if not k.startswith('tdet_')
    }
    old.update(seed=0)
    marker.write_text(json.dumps(old))
    assert generate_demo_data(out, new) is True


def test_invalid_spec():
    with pytest.raises(ValueError, match='det_train'):
        DemoDataSpec(det_train=0)
    with pytest.raises(ValueError, match='cls_classes'):
        DemoDataSpec(cls_classes=11)
    with pytest.raises(ValueError, match='cls_clutter'):
        DemoDataSpec(cls_clutter=-1)


def test_classification_names_and_polarity(demo_data):
    """The class list names the first ``cls_classes`` shapes, and every
    classification image is a bright shape on a darker background (the
    polarity the tiny regime relies on: with uniform random colours
    neither SimCLR nor a supervised ResNet learned in the budget)."""
    import cv2

    spec = DemoDataSpec(**TINY)
    assert spec.cls_names == SHAPES[: TINY['cls_classes']]
    root = osp.join(demo_data, 'imagenet')
    with open(osp.join(root, 'meta/val.txt')) as f:
        entries = [line.split() for line in f if line.strip()]
    for rel, _ in entries:
        img = cv2.imread(osp.join(root, 'val', rel)).astype(np.float32)
        lum = img.mean(-1)
        bright = lum > np.percentile(lum, 95)
        dark = lum < np.percentile(lum, 50)
        assert lum[bright].mean() > lum[dark].mean() + 80, rel


@pytest.mark.slow
def test_cli_help_and_error(tmp_path):
    assert python_cli('tools/make_demo_data.py', '--help').returncode == 0
    bad = tmp_path / 'occupied'
    bad.mkdir()
    (bad / 'file.txt').write_text('x')
    r = python_cli('tools/make_demo_data.py', '--out', str(bad))
    assert r.returncode == 2
    assert r.stderr.strip().count('\n') == 0 and '--force' in r.stderr


def test_imagenet_split_loads_in_mmpretrain(demo_data):
    from mmpretrain.datasets import CustomDataset

    ds = CustomDataset(
        data_root=osp.join(demo_data, 'imagenet'),
        ann_file='meta/val.txt',
        data_prefix='val',
        pipeline=[dict(type='LoadImageFromFile')],
    )
    assert len(ds) == TINY['cls_val_per_class'] * TINY['cls_classes']
    labels = sorted({ds.get_data_info(i)['gt_label'] for i in range(len(ds))})
    assert labels == list(range(TINY['cls_classes']))
    img = ds[0]['img']
    assert img.shape == (TINY['cls_size'], TINY['cls_size'], 3)


#: The demo's detection set and the tiny detection benchmark.
DET_SETS = DemoDataSpec(**TINY).detection_sets()


@pytest.mark.parametrize('det', DET_SETS, ids=lambda d: d.root or 'demo')
def test_voc_loads_in_mmdet(demo_data, det):
    from mmdet.datasets import VOCDataset
    from mmdet.utils import register_all_modules

    register_all_modules()
    for year, split, n in (
        ('VOC2007', 'test', det.val),
        ('VOC2012', 'trainval', det.train),
    ):
        ds = VOCDataset(
            data_root=osp.join(demo_data, det.root, 'VOCdevkit'),
            ann_file=f'{year}/ImageSets/Main/{split}.txt',
            data_prefix=dict(sub_data_root=f'{year}/'),
            metainfo=dict(classes=det.classes),
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations', with_bbox=True),
            ],
        )
        assert len(ds) == n
        assert ds.metainfo['dataset_type'] == year
        for i in range(len(ds)):
            item = ds[i]
            boxes = item['gt_bboxes'].numpy()
            assert len(boxes) >= 1
            h, w = item['img'].shape[:2]
            assert (boxes[:, 2] > boxes[:, 0]).all()
            assert (boxes[:, 3] > boxes[:, 1]).all()
            assert boxes.min() >= 0 and boxes[:, 2].max() <= w
            assert set(item['gt_bboxes_labels'].tolist()) <= set(
                range(len(det.classes))
            )


@pytest.mark.parametrize('det', DET_SETS, ids=lambda d: d.root or 'demo')
def test_coco_loads_in_mmdet_with_masks(demo_data, det):
    from mmdet.datasets import CocoDataset
    from mmdet.utils import register_all_modules

    register_all_modules()
    ds = CocoDataset(
        data_root=osp.join(demo_data, det.root, 'coco'),
        ann_file='annotations/instances_train2017.json',
        data_prefix=dict(img='train2017/'),
        metainfo=dict(classes=det.classes),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
        ],
    )
    assert len(ds) == det.train
    with open(
        osp.join(
            demo_data, det.root, 'coco/annotations/instances_train2017.json'
        )
    ) as f:
        coco = json.load(f)
    assert len(coco['annotations']) >= det.train
    for i in range(len(ds)):
        item = ds[i]
        masks = item['gt_masks'].to_ndarray()
        boxes = item['gt_bboxes'].numpy()
        assert masks.shape[0] == boxes.shape[0] >= 1
        for m, b in zip(masks, boxes):
            ys, xs = np.nonzero(m)
            # The polygon mask lies inside its box (1 px rasterisation slack).
            assert xs.min() >= b[0] - 1 and xs.max() <= b[2] + 1
            assert ys.min() >= b[1] - 1 and ys.max() <= b[3] + 1


def test_tiny_detection_benchmark_has_several_overlapping_objects(tmp_path):
    from ftcl_mm.datasets.demo_data import DetectionSet, _detection_scenes

    spec = DemoDataSpec(**TINY)
    tiny = spec.detection_sets()[1]
    assert isinstance(tiny, DetectionSet) and tiny.root == 'tiny_det'
    assert tiny.classes == SHAPES  # the tiny regime's 10 classes
    scenes = _detection_scenes(spec, tiny, 'probe', 40)
    counts = [len(objects) for _, _, objects in scenes]
    assert min(counts) >= 1 and np.mean(counts) >= 2
    overlaps = 0
    for _, img, objects in scenes:
        assert img.shape == (tiny.size, tiny.size, 3)
        boxes = [np.argwhere(o['mask']) for o in objects]
        boxes = [
            (b[:, 1].min(), b[:, 0].min(), b[:, 1].max(), b[:, 0].max())
            for b in boxes
        ]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                overlaps += (
                    a[0] <= b[2]
                    and b[0] <= a[2]
                    and (a[1] <= b[3] and b[1] <= a[3])
                )
    assert overlaps >= 3  # some boxes overlap (occlusion trims the masks)
    # every label is one of the classification classes, all of them used
    labels = {o['label'] for _, _, objs in scenes for o in objs}
    assert labels == set(range(len(tiny.classes)))
    # deterministic for a seed, different for another
    again = _detection_scenes(spec, tiny, 'probe', 3)
    assert all((a[1] == b[1]).all() for a, b in zip(scenes, again))
    other = DemoDataSpec(**dict(TINY, seed=1))
    assert not (
        _detection_scenes(other, tiny, 'probe', 1)[0][1] == scenes[0][1]
    ).all()
