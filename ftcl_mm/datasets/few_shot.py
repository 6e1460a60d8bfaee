"""K-shot subsets of a classification dataset (LooC's Flowers-102 5/10-shot
evaluation)."""

import copy
from typing import List, Union

import numpy as np
from mmpretrain.registry import DATASETS


@DATASETS.register_module()
class FewShotDataset:
    """``shots`` images per class of ``dataset``, chosen by a seeded RNG.

    The same ``(dataset, shots, seed)`` always gives the same images, so
    runs with different pretrained weights see identical training sets;
    repeat an evaluation over several seeds to average the choice out.

    Args:
        dataset: The wrapped dataset (config dict or instance) with
            ``gt_label`` annotations.
        shots: Images per class.
        seed: Seed of the per-class choice.

    Raises:
        ValueError: a class has fewer than ``shots`` images.
    """

    def __init__(
        self, dataset: Union[dict, object], shots: int, seed: int = 0
    ) -> None:
        if shots < 1:
            raise ValueError(f'shots must be >= 1, got {shots}')
        self.dataset = (
            DATASETS.build(dataset) if isinstance(dataset, dict) else dataset
        )
        self.shots = shots
        self.seed = seed
        labels = np.asarray(self.dataset.get_gt_labels())
        rng = np.random.default_rng(seed)
        indices: List[int] = []
        for label in np.unique(labels):
            members = np.flatnonzero(labels == label)
            if len(members) < shots:
                classes = self.metainfo.get('classes')
                name = classes[label] if classes else label
                raise ValueError(
                    f'FewShotDataset: class {name!r} has '
                    f'{len(members)} images, fewer than shots={shots}'
                )
            indices += rng.choice(members, shots, replace=False).tolist()
        self.indices = sorted(indices)

    @property
    def metainfo(self) -> dict:
        return copy.deepcopy(self.dataset.metainfo)

    def get_gt_labels(self) -> np.ndarray:
        return np.asarray(self.dataset.get_gt_labels())[self.indices]

    def get_data_info(self, idx: int) -> dict:
        return self.dataset.get_data_info(self.indices[idx])

    def __getitem__(self, idx: int) -> dict:
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)

    def __repr__(self) -> str:
        return (
            f'{type(self).__name__}(shots={self.shots}, seed={self.seed}'
            f', {len(self)} images of {type(self.dataset).__name__})'
        )
