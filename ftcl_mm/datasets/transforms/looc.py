"""LooC's multi-view transform: keys that share one augmentation's
parameters with the query (Xiao et al., "What Should Not Be Contrastive in
Contrastive Learning", ICLR 2021).

For factors ``f_1 .. f_n`` (e.g. colour jitter, 90-degree rotation) one
image gives ``n + 2`` views, in this order::

    q     all augmentations sampled
    k_0   all augmentations resampled
    k_i   factor f_i reuses q's parameters, all others resampled

Parameter sharing uses mmcv's own mechanism: every random draw of an
OpenMMLab transform lives in a method decorated with ``cache_randomness``
(e.g. ``RandomApply.random_apply``, ``ColorJitter._rand_params``). The
transforms of a factor run with their cache enabled on every view; for
``q`` the cache starts empty (fresh draws, then kept), for ``k_i`` it is
pre-filled with ``q``'s draws, for the other keys it starts empty again.
"""

import copy
from typing import Dict, Iterator, List, Sequence, Tuple

import numpy as np
from mmcv.transforms import BaseTransform, Compose
from mmcv.transforms.utils import cache_randomness
from mmpretrain.registry import TRANSFORMS

#: Key that marks a transform config as an augmentation factor.
FACTOR_KEY = 'looc_factor'


@TRANSFORMS.register_module()
class RandomRot90(BaseTransform):
    """Rotate the image by a random multiple of 90 degrees (counter-clockwise).

    Args:
        prob: Probability of rotating at all; the angle is then uniform over
            90, 180 and 270 degrees.
    """

    def __init__(self, prob: float = 0.75) -> None:
        if not 0 <= prob <= 1:
            raise ValueError(f'prob must be in [0, 1], got {prob}')
        self.prob = prob

    @cache_randomness
    def _rand_quarters(self) -> int:
        if np.random.rand() >= self.prob:
            return 0
        return int(np.random.randint(1, 4))

    def transform(self, results: dict) -> dict:
        k = self._rand_quarters()
        if k:
            img = np.ascontiguousarray(np.rot90(results['img'], k))
            results['img'] = img
            results['img_shape'] = img.shape[:2]
        results['rot90'] = k
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(prob={self.prob})'


def _walk(transform) -> Iterator:
    """``transform`` and every transform nested in it (wrappers)."""
    yield transform
    inner = getattr(transform, 'transforms', None)
    if isinstance(inner, (list, tuple, Compose)):
        for t in inner:
            yield from _walk(t)


@TRANSFORMS.register_module()
class LooCMultiView(BaseTransform):
    """The query, a fully re-augmented key and one key per factor.

    Args:
        transforms: The view pipeline (a list of transform configs). The
            configs of augmentation-specific factors carry an extra key
            ``looc_factor='<name>'``.
        factors: Factor names in space order (space ``i`` = ``factors[i-1]``);
            each must mark exactly one transform of ``transforms``.

    The output ``img`` is the list ``[q, k_0, k_1, ..., k_n]``.
    """

    def __init__(
        self,
        transforms: List[dict],
        factors: Sequence[str] = ('color', 'rotation'),
    ) -> None:
        self.factors = tuple(factors)
        if len(set(self.factors)) != len(self.factors):
            raise ValueError(f'LooCMultiView: repeated factor in {factors}')
        built, owners = [], {}
        for cfg in transforms:
            cfg = dict(cfg)
            factor = cfg.pop(FACTOR_KEY, None)
            if factor is not None:
                if factor not in self.factors:
                    raise ValueError(
                        f'LooCMultiView: transform {cfg.get("type")} is '
                        f'marked {FACTOR_KEY}={factor!r}, which is not in '
                        f'factors={self.factors}'
                    )
                if factor in owners:
                    raise ValueError(
                        f'LooCMultiView: factor {factor!r} '
                        'marks more than one transform'
                    )
                owners[factor] = len(built)
            built.append(TRANSFORMS.build(cfg))
        missing = [f for f in self.factors if f not in owners]
        if missing:
            raise ValueError(
                f'LooCMultiView: no transform is marked '
                f'{FACTOR_KEY}= for factors {missing}'
            )
        self.pipeline = Compose(built)
        #: Per factor, the transforms whose random draws it shares.
        self.factor_transforms: Dict[str, List[BaseTransform]] = {}
        for f in self.factors:
            ts = [
                t
                for t in _walk(built[owners[f]])
                if getattr(t, '_methods_with_randomness', None)
            ]
            if not ts:
                raise ValueError(
                    f'LooCMultiView: the transform of factor {f!r} has no '
                    'cache_randomness method, so its parameters cannot be '
                    'shared'
                )
            self.factor_transforms[f] = ts

    @property
    def num_views(self) -> int:
        return len(self.factors) + 2

    def _run(
        self, results: dict, caches: Dict[str, List[dict]]
    ) -> Tuple[dict, Dict[str, List[dict]]]:
        """One view with each factor's caches pre-filled from ``caches``
        (empty dicts: fresh draws); returns it and the draws it used."""
        for f, ts in self.factor_transforms.items():
            for t, cache in zip(ts, caches[f]):
                t._cache_enabled = True
                t._cache = dict(cache)
        try:
            out = self.pipeline(copy.deepcopy(results))
            used = {
                f: [dict(getattr(t, '_cache', {})) for t in ts]
                for f, ts in self.factor_transforms.items()
            }
        finally:
            for ts in self.factor_transforms.values():
                for t in ts:
                    t._cache_enabled = False
                    t.__dict__.pop('_cache', None)
        return out, used

    def make_views(
        self, results: dict
    ) -> Tuple[List[dict], List[Dict[str, List[dict]]]]:
        """The views ``[q, k_0, k_1..k_n]`` and, per view, the random draws
        of each factor's transforms (``{factor: [cache dict per
        transform]}``)."""
        fresh = {
            f: [{} for _ in ts] for f, ts in self.factor_transforms.items()
        }
        query, q_draws = self._run(results, fresh)
        views, draws = [query], [q_draws]
        for shared in (None,) + self.factors:
            caches = dict(fresh)
            if shared is not None:
                caches[shared] = q_draws[shared]
            view, used = self._run(results, caches)
            views.append(view)
            draws.append(used)
        return views, draws

    def transform(self, results: dict) -> dict:
        views, _ = self.make_views(results)
        results['img'] = [v['img'] for v in views]
        return results

    def __repr__(self) -> str:
        return (
            f'{type(self).__name__}(factors={self.factors}, '
            f'pipeline={self.pipeline})'
        )
