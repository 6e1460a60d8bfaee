"""Draw a view's photometric/geometric augmentation in the data worker,
apply it batched later.

On 64 px images the per-image pipeline costs more than the network: on
the tiny regime's 512 views per step, mmpretrain's ColorJitter alone took
0.54 ms per image, most of it PIL/numpy call overhead
(``tools/performance/profile_tiny.py``). :class:`DrawViewParams` keeps the
*randomness* of those transforms exactly where it was: it calls the
random-drawing methods of the real transform objects (``RandomRot90``,
``RandomApply([ColorJitter])``, ``RandomGrayscale``, ``RandomFlip``) with
the same numpy calls in the same order, so a sample's parameters are the
ones the per-image pipeline would have drawn for the same seed, and the
distributions are theirs by construction. It only records them in
``results['view_params']``; :class:`MultiViewWithParams` collects them per
view, and :class:`~ftcl_mm.models.BatchedViewsDataPreprocessor` applies
them to the whole batch of uint8 views at once (``view_ops.py``).
"""

from __future__ import annotations

import copy
from typing import List, Sequence

import numpy as np
from mmcv.transforms import BaseTransform
from mmpretrain.datasets.transforms import MultiView
from mmpretrain.registry import TRANSFORMS

#: Layout of the parameter vector of one view.
PARAM_NAMES = (
    'rot90_k',  # quarter turns, 0 = none
    'jitter',  # 1 if the colour jitter applies
    'order0',  # ColorJitter's permutation of (brightness, contrast,
    'order1',  # saturation, hue), applied in this order
    'order2',
    'order3',
    'brightness',  # factors; NaN where the jitter has no such component
    'contrast',
    'saturation',
    'hue',
    'gray',  # 1 if converted to grayscale
    'gray_b',  # RandomGrayscale's normalised BGR weights
    'gray_g',
    'gray_r',
    'flip',  # 1 if flipped horizontally
)
NUM_PARAMS = len(PARAM_NAMES)
_P = {name: i for i, name in enumerate(PARAM_NAMES)}

#: The per-image transforms whose parameters can be drawn, in the order
#: their random draws must happen (the tiny regime's view pipeline).
SUPPORTED = ('RandomRot90', 'RandomApply', 'RandomGrayscale', 'RandomFlip')


@TRANSFORMS.register_module()
class DrawViewParams(BaseTransform):
    """Draw the parameters of ``transforms`` without applying them.

    Args:
        transforms: Configs of the view transforms to replace, in their
            pipeline order: any of ``RandomRot90``, ``RandomApply`` of one
            ``ColorJitter``, ``RandomGrayscale`` (``keep_channels=True``)
            and ``RandomFlip`` (horizontal, one probability).
    """

    def __init__(self, transforms: Sequence[dict]) -> None:
        self.transforms = [TRANSFORMS.build(dict(t)) for t in transforms]
        names = [type(t).__name__ for t in self.transforms]
        for name in names:
            if name not in SUPPORTED:
                raise ValueError(
                    f'DrawViewParams cannot draw {name}; supported: '
                    f'{", ".join(SUPPORTED)}'
                )
        order = [SUPPORTED.index(n) for n in names]
        if order != sorted(order) or len(set(order)) != len(order):
            raise ValueError(
                'DrawViewParams: transforms must appear at most once each, '
                f'in the order {SUPPORTED}, got {names}'
            )
        self.gray_weights = None
        for t in self.transforms:
            kind = type(t).__name__
            if kind == 'RandomApply':
                inner = list(t.transforms.transforms)
                if len(inner) != 1 or type(inner[0]).__name__ != 'ColorJitter':
                    raise ValueError(
                        'DrawViewParams: RandomApply must wrap exactly one '
                        'ColorJitter'
                    )
            elif kind == 'RandomGrayscale':
                if not t.keep_channels or t.color_format != 'bgr':
                    raise ValueError(
                        'DrawViewParams: RandomGrayscale needs '
                        "keep_channels=True and color_format='bgr'"
                    )
                w = np.asarray(t.channel_weights, dtype=np.float64)
                self.gray_weights = tuple(float(x) for x in w / w.sum())
            elif kind == 'RandomFlip':
                if t.direction != 'horizontal' or not isinstance(
                    t.prob, float
                ):
                    raise ValueError(
                        'DrawViewParams: RandomFlip must be horizontal with '
                        'one probability'
                    )

    def draw(self) -> np.ndarray:
        """One view's parameters (the numpy draws of the transforms)."""
        # float64: the factors and weights as the transforms hold them.
        p = np.zeros(NUM_PARAMS, dtype=np.float64)
        p[_P['brightness'] : _P['hue'] + 1] = np.nan
        for t in self.transforms:
            kind = type(t).__name__
            if kind == 'RandomRot90':
                p[_P['rot90_k']] = t._rand_quarters()
            elif kind == 'RandomApply':
                if t.random_apply():
                    jitter = t.transforms.transforms[0]
                    order, b, c, s, h = jitter._rand_params()
                    p[_P['jitter']] = 1
                    p[_P['order0'] : _P['order3'] + 1] = order
                    for name, v in zip(
                        ('brightness', 'contrast', 'saturation', 'hue'),
                        (b, c, s, h),
                    ):
                        if v is not None:
                            p[_P[name]] = v
            elif kind == 'RandomGrayscale':
                p[_P['gray']] = t._random_prob() < t.prob
                p[_P['gray_b'] : _P['gray_r'] + 1] = self.gray_weights
            else:  # RandomFlip
                p[_P['flip']] = t._choose_direction() is not None
        return p

    def transform(self, results: dict) -> dict:
        results['view_params'] = self.draw()
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(transforms={self.transforms})'


@TRANSFORMS.register_module()
class MultiViewWithParams(MultiView):
    """mmpretrain's ``MultiView`` that also keeps each view's
    ``view_params`` (from :class:`DrawViewParams`) as a ``num_views x
    NUM_PARAMS`` array; pack it with ``PackInputs(meta_keys=[...,
    'view_params'])``."""

    def transform(self, results: dict) -> dict:
        images: List[np.ndarray] = []
        params: List[np.ndarray] = []
        for trans in self.transforms:
            out = trans(copy.deepcopy(results))
            if 'view_params' not in out:
                raise KeyError(
                    'MultiViewWithParams: a view pipeline has no '
                    'DrawViewParams; end each view pipeline with '
                    "dict(type='DrawViewParams', transforms=[...]) or use "
                    'MultiView'
                )
            images.append(out['img'])
            params.append(out['view_params'])
        results['img'] = images
        results['view_params'] = np.stack(params)
        return results
