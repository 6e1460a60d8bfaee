"""ClassFractionDataset: a seeded, stratified share of every class."""

import os.path as osp

import pytest

from ftcl_mm.datasets import ClassFractionDataset
from ftcl_mm.utils.errors import ConfigError


@pytest.fixture
def image_list(tmp_path):
    # 3 classes x 8 images, sorted by class as the demo data's lists are
    lines = [f'c{c}/{i}.png {c}' for c in range(3) for i in range(8)]
    ann = tmp_path / 'train.txt'
    ann.write_text('\n'.join(lines) + '\n')
    return str(ann)


def _ds(ann, **kw):
    return ClassFractionDataset(
        data_root=osp.dirname(ann),
        ann_file=osp.basename(ann),
        lazy_init=False,
        **kw,
    )


def test_keeps_the_fraction_of_every_class(image_list):
    ds = _ds(image_list, fraction=0.25)
    labels = [ds.get_data_info(i)['gt_label'] for i in range(len(ds))]
    assert sorted(labels) == [0, 0, 1, 1, 2, 2]
    full = _ds(image_list)
    assert len(full) == 24
    kept = {ds.get_data_info(i)['img_path'] for i in range(len(ds))}
    assert kept < {full.get_data_info(i)['img_path'] for i in range(24)}


def test_seeded_and_nested(image_list):
    def paths(**kw):
        ds = _ds(image_list, **kw)
        return [ds.get_data_info(i)['img_path'] for i in range(len(ds))]

    assert paths(fraction=0.5) == paths(fraction=0.5)
    assert paths(fraction=0.5) != paths(fraction=0.5, fraction_seed=1)
    assert len(paths(fraction=0.01)) == 3  # at least one per class
    # nested: the quarter kept is inside the half kept
    assert set(paths(fraction=0.25)) <= set(paths(fraction=0.5))


@pytest.mark.parametrize('fraction', [0, -0.5, 1.5])
def test_bad_fraction_is_one_clear_error(image_list, fraction):
    with pytest.raises(ConfigError, match='not in \\(0, 1\\]'):
        _ds(image_list, fraction=fraction)
