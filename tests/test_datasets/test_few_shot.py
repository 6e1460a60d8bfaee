"""FewShotDataset: k images per class, seeded."""

from collections import Counter

import pytest
from mmpretrain.registry import DATASETS

import ftcl_mm  # noqa: F401

pytestmark = pytest.mark.usefixtures('mmpretrain_scope')


def _cfg(demo_data, shots, seed=0):
    return dict(
        type='FewShotDataset',
        shots=shots,
        seed=seed,
        dataset=dict(
            type='CustomDataset',
            data_root=f'{demo_data}/imagenet/',
            ann_file='meta/train.txt',
            data_prefix='train',
            pipeline=[],
        ),
    )


def test_k_per_class_reproducible(demo_data):
    ds = DATASETS.build(_cfg(demo_data, 3))
    counts = Counter(int(lbl) for lbl in ds.get_gt_labels())
    n_classes = len(set(ds.dataset.get_gt_labels().tolist()))
    assert n_classes >= 3
    assert len(ds) == 3 * n_classes and set(counts.values()) == {3}
    assert [ds[i]['gt_label'] for i in range(len(ds))] == list(
        ds.get_gt_labels()
    )
    again = DATASETS.build(_cfg(demo_data, 3))
    other = DATASETS.build(_cfg(demo_data, 3, seed=1))
    assert again.indices == ds.indices != other.indices


def test_too_few_images(demo_data):
    with pytest.raises(ValueError, match='fewer than shots=9'):
        DATASETS.build(_cfg(demo_data, 9))
