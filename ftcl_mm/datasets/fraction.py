"""A class-stratified fraction of a labelled image list, for data-
efficiency studies (HSG's claim: as good with half the unlabeled data)."""

import math
from typing import List

import numpy as np
from mmpretrain.datasets import CustomDataset
from mmpretrain.registry import DATASETS

from ..utils.errors import ConfigError


@DATASETS.register_module()
class ClassFractionDataset(CustomDataset):
    """mmpretrain's ``CustomDataset`` keeping ``fraction`` of each class's
    samples (at least one), drawn without replacement by a generator
    seeded with ``fraction_seed`` and kept in file order.

    Stratified, so that 25 % of the data is 25 % of every class (the
    image list is sorted by class: its first quarter would be a few
    classes); independent of the training seed, so that every seed of a
    cell trains on the same images and the seeds measure training noise.

    Args:
        fraction: Share of each class kept, in (0, 1].
        fraction_seed: Seeds which samples are kept.
        *args, **kwargs: ``CustomDataset``'s (``ann_file`` with labels).
    """

    def __init__(
        self, *args, fraction: float = 1.0, fraction_seed: int = 0, **kwargs
    ) -> None:
        if not 0 < fraction <= 1:
            raise ConfigError(
                f'ClassFractionDataset: fraction {fraction} is not in (0, 1]'
                '; give the share of each class to keep, e.g. 0.25'
            )
        self.fraction = fraction
        self.fraction_seed = fraction_seed
        super().__init__(*args, **kwargs)

    def load_data_list(self) -> List[dict]:
        data = super().load_data_list()
        if self.fraction == 1:
            return data
        by_class: dict = {}
        for i, info in enumerate(data):
            if 'gt_label' not in info:
                raise ConfigError(
                    'ClassFractionDataset needs labels (an ann_file with '
                    '"path label" lines) to keep a fraction of each class'
                )
            by_class.setdefault(int(info['gt_label']), []).append(i)
        rng = np.random.default_rng(self.fraction_seed)
        keep = []
        for label in sorted(by_class):
            idx = by_class[label]
            n = max(1, math.ceil(self.fraction * len(idx)))
            keep += [idx[j] for j in rng.permutation(len(idx))[:n]]
        return [data[i] for i in sorted(keep)]
