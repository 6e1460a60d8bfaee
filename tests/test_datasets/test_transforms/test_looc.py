"""LooCMultiView shares exactly the intended augmentation parameters."""

import numpy as np
import pytest
from mmpretrain.registry import TRANSFORMS

import ftcl_mm  # noqa: F401

pytestmark = pytest.mark.usefixtures('mmpretrain_scope')

COLOR = dict(
    type='RandomApply',
    prob=0.8,
    looc_factor='color',
    transforms=[
        dict(
            type='ColorJitter',
            brightness=0.4,
            contrast=0.4,
            saturation=0.4,
            hue=0.1,
        )
    ],
)
ROT = dict(type='RandomRot90', prob=0.75, looc_factor='rotation')
CROP = dict(type='RandomResizedCrop', scale=32, backend='pillow')


def _image(seed=0):
    rng = np.random.default_rng(seed)
    return dict(img=rng.integers(0, 255, (48, 48, 3), dtype=np.uint8))


def _build(transforms, factors=('color', 'rotation')):
    return TRANSFORMS.build(
        dict(type='LooCMultiView', factors=factors, transforms=transforms)
    )


def test_views_share_the_query_draws_of_their_factor_only():
    t = _build([CROP, COLOR, dict(type='RandomFlip', prob=0.5), ROT])
    np.random.seed(0)
    k0_differs = {'color': 0, 'rotation': 0}
    for i in range(30):
        views, draws = t.make_views(_image(i))
        assert len(views) == 4 and all(
            v['img'].shape == (32, 32, 3) for v in views
        )
        q, k0, k_color, k_rot = (
            {f: repr(d) for f, d in view.items()} for view in draws
        )  # numpy-safe equality
        # The factor's draws are the query's, in every transform of it
        # (RandomApply's coin and ColorJitter's magnitudes and order).
        assert k_color['color'] == q['color']
        assert k_rot['rotation'] == q['rotation']
        assert views[3]['rot90'] == views[0]['rot90']
        for f in k0_differs:
            k0_differs[f] += k0[f] != q[f]
        # The other factor is drawn afresh for k_color (an object of its
        # own, not the query's cache).
        assert draws[2]['rotation'][0] is not draws[0]['rotation'][0]
    # Resampled draws differ from the query's in most images.
    assert k0_differs['color'] > 15 and k0_differs['rotation'] > 10


@pytest.mark.parametrize('factor, cfg', [('color', COLOR), ('rotation', ROT)])
def test_key_of_a_factor_equals_the_query_by_construction(factor, cfg):
    # With the factor as the only random transform, k_factor == q exactly.
    t = _build([cfg], factors=(factor,))
    np.random.seed(1)
    n_k0_equal = 0
    for i in range(10):
        views, _ = t.make_views(_image(i))
        q, k0, k_f = (v['img'] for v in views)
        assert np.array_equal(k_f, q)
        n_k0_equal += np.array_equal(k0, q)
    assert n_k0_equal < 8


def test_output_feeds_pack_inputs():
    t = _build([CROP, COLOR, ROT])
    out = t(_image())
    assert isinstance(out['img'], list) and len(out['img']) == 4
    packed = TRANSFORMS.build(dict(type='PackInputs'))(out)
    assert len(packed['inputs']) == 4
    # Caching is off again after the views: draws are fresh next time.
    for ts in t.factor_transforms.values():
        assert all(not getattr(x, '_cache_enabled', False) for x in ts)


@pytest.mark.parametrize(
    'transforms, factors, match',
    [
        ([CROP, COLOR], ('color', 'rotation'), 'no transform is marked'),
        ([CROP, COLOR, ROT], ('color',), "'rotation', which is not in"),
        ([COLOR, dict(COLOR)], ('color',), 'more than one'),
        (
            [dict(type='CenterCrop', crop_size=8, looc_factor='color')],
            ('color',),
            'cache_randomness',
        ),
    ],
)
def test_invalid_configs(transforms, factors, match):
    with pytest.raises(ValueError, match=match):
        _build(transforms, factors)
