"""iNaturalist 2018 (species classification, 8142 classes) in its official
layout, for the paper's fine-grained transfer (MoCo v1 65.6 -> +FT 67.3)."""

import json
import os.path as osp
from typing import List

from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS


@DATASETS.register_module()
class INaturalist2018(BaseDataset):
    """iNaturalist 2018 from the official files::

        data_root/train2018.json, val2018.json      (COCO-style: images,
                                                     annotations, categories)
        data_root/train_val2018/<kingdom>/<id>/*.jpg (paths as in the JSON)

    Labels are the category ids re-indexed by sorted id (0..8141 for the
    official release, i.e. unchanged).

    Args:
        data_root: Dataset root.
        split: ``'train'`` or ``'val'`` (selects ``<split>2018.json``).
        ann_file: Override the annotation file (relative to data_root).
        **kwargs: Arguments of :class:`mmpretrain.datasets.BaseDataset`.
    """

    def __init__(
        self,
        data_root: str,
        split: str = 'train',
        ann_file: str = '',
        **kwargs,
    ) -> None:
        if split not in ('train', 'val'):
            raise ValueError(f"split must be 'train' or 'val', got {split!r}")
        self.split = split
        super().__init__(
            ann_file=ann_file or f'{split}2018.json',
            data_root=data_root,
            test_mode=split == 'val',
            **kwargs,
        )

    def load_data_list(self) -> List[dict]:
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'{self.ann_file} not found; expected the official '
                'iNaturalist 2018 train2018.json/val2018.json in data_root'
            )
        with open(self.ann_file) as f:
            coco = json.load(f)
        cat_ids = sorted(
            {c['id'] for c in coco.get('categories', [])}
            | {a['category_id'] for a in coco['annotations']}
        )
        label_of = {c: i for i, c in enumerate(cat_ids)}
        names = {
            c['id']: c.get('name', str(c['id']))
            for c in coco.get('categories', [])
        }
        self._metainfo['classes'] = tuple(
            names.get(c, str(c)) for c in cat_ids
        )
        category = {
            a['image_id']: a['category_id'] for a in coco['annotations']
        }
        return [
            dict(
                img_path=osp.join(self.data_root, img['file_name']),
                gt_label=label_of[category[img['id']]],
            )
            for img in coco['images']
            if img['id'] in category
        ]
