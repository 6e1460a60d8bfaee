"""Rotation prediction (Gidaris et al. 2018), one of LooC's evaluations:
the label of an image becomes its rotation (0/90/180/270 degrees)."""

import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness
from mmpretrain.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RotationWithLabel(BaseTransform):
    """Rotate by ``k`` quarter turns and set ``gt_label = k``.

    Args:
        deterministic: Take ``k = sample_idx % 4`` (balanced, identical
            every epoch: for validation) instead of a random ``k``.
    """

    def __init__(self, deterministic: bool = False) -> None:
        self.deterministic = deterministic

    @cache_randomness
    def _rand_quarters(self) -> int:
        return int(np.random.randint(4))

    def transform(self, results: dict) -> dict:
        if self.deterministic:
            if 'sample_idx' not in results:
                raise KeyError(
                    'RotationWithLabel(deterministic=True) needs '
                    "'sample_idx' (set by mmengine datasets)"
                )
            k = int(results['sample_idx']) % 4
        else:
            k = self._rand_quarters()
        img = np.ascontiguousarray(np.rot90(results['img'], k))
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['gt_label'] = k
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(deterministic={self.deterministic})'
