"""Fine-grained benchmark configs read the official file layouts."""

import json
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import DATASETS

import ftcl_mm  # noqa: F401

from ..conftest import ROOT

CLS = osp.join(ROOT, 'configs/benchmarks/classification')


def _jpg(path):
    import os

    os.makedirs(osp.dirname(path), exist_ok=True)
    cv2.imwrite(path, np.full((8, 8, 3), 128, np.uint8))


def _build(config, split_loader, data_root):
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(osp.join(CLS, config))
    ds_cfg = cfg[split_loader].dataset
    ds_cfg.data_root = data_root
    ds_cfg.pipeline = []
    return DATASETS.build(ds_cfg), cfg


def test_cub(tmp_path):
    root = tmp_path / 'CUB_200_2011'
    names = ['001.Albatross/a.jpg', '001.Albatross/b.jpg', '002.Auklet/c.jpg']
    for n in names:
        _jpg(str(root / 'images' / n))
    (root / 'images.txt').write_text(
        ''.join(f'{i + 1} {n}\n' for i, n in enumerate(names))
    )
    (root / 'image_class_labels.txt').write_text('1 1\n2 1\n3 2\n')
    (root / 'train_test_split.txt').write_text('1 1\n2 0\n3 1\n')
    train, cfg = _build(
        'cub200/resnet50_finetune-100e_cub200.py',
        'train_dataloader',
        str(root),
    )
    assert [train.get_data_info(i)['gt_label'] for i in range(len(train))] == [
        0,
        1,
    ]
    assert cfg.model.head.num_classes == 200
    test, _ = _build(
        'cub200/resnet50_linear-100e_cub200.py', 'val_dataloader', str(root)
    )
    assert len(test) == 1


def test_fgvc_aircraft(tmp_path):
    root = tmp_path / 'fgvc_aircraft'
    (root / 'data').mkdir(parents=True)
    _jpg(str(root / 'data/images/0001.jpg'))
    _jpg(str(root / 'data/images/0002.jpg'))
    (root / 'data/images_variant_trainval.txt').write_text(
        '0001 707-320\n0002 A340-600\n'
    )
    (root / 'data/images_variant_test.txt').write_text('0002 A340-600\n')
    train, cfg = _build(
        'fgvc_aircraft/resnet50_finetune-100e_aircraft.py',
        'train_dataloader',
        str(root),
    )
    labels = [train.get_data_info(i)['gt_label'] for i in range(len(train))]
    assert len(labels) == 2 and labels[0] != labels[1]
    assert cfg.model.head.num_classes == 100
    test, _ = _build(
        'fgvc_aircraft/resnet50_linear-100e_aircraft.py',
        'val_dataloader',
        str(root),
    )
    assert len(test) == 1


@pytest.mark.parametrize(
    'config',
    [
        'inat2018/resnet50_finetune-100e_inat18.py',
        'inat2018/resnet50_linear-100e_inat18.py',
    ],
)
def test_inaturalist2018(tmp_path, config):
    root = tmp_path / 'inat2018'
    files = [
        'train_val2018/Plantae/5/x.jpg',
        'train_val2018/Aves/9/y.jpg',
        'train_val2018/Aves/9/z.jpg',
    ]
    for f in files:
        _jpg(str(root / f))
    cats = [dict(id=5, name='Plant five'), dict(id=9, name='Bird nine')]
    for split, ids in (('train', [0, 1]), ('val', [2])):
        coco = dict(
            images=[dict(id=i, file_name=files[i]) for i in ids],
            annotations=[
                dict(id=i, image_id=i, category_id=5 if i == 0 else 9)
                for i in ids
            ],
            categories=cats,
        )
        (root / f'{split}2018.json').write_text(json.dumps(coco))
    train, cfg = _build(config, 'train_dataloader', str(root))
    assert [train.get_data_info(i)['gt_label'] for i in range(2)] == [0, 1]
    assert train.metainfo['classes'] == ('Plant five', 'Bird nine')
    assert train.get_data_info(1)['img_path'] == str(root / files[1])
    val, _ = _build(config, 'val_dataloader', str(root))
    assert len(val) == 1 and val.get_data_info(0)['gt_label'] == 1
    assert cfg.model.head.num_classes == 8142


def test_inaturalist_missing_file_is_clear(tmp_path):
    from ftcl_mm.datasets import INaturalist2018

    with pytest.raises(FileNotFoundError, match='train2018.json'):
        INaturalist2018(data_root=str(tmp_path), split='train')
