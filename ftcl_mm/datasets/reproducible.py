"""Per-sample augmentation seeds, so a resumed run repeats the straight one.

With persistent DataLoader workers, each worker's random stream runs on
across epochs; a resumed run starts fresh workers (mmengine seeds them from
seed + worker id + rank, not the epoch), so its crops, jitter and flips
differ from the straight run's. Here the randomness of each sample is a
function of ``(seed, epoch, index)`` instead:

* :class:`EpochSeededSampler` is mmengine's ``DefaultSampler`` (same
  order, same sharding) yielding ``(seed, epoch, index)`` keys;
* :class:`ReproducibleDataset` wraps the training dataset; for such a key
  it seeds ``random``, ``numpy`` and ``torch`` from a mix of the three,
  runs the wrapped dataset's pipeline, and restores the previous states
  (so the main process's RNGs are untouched with ``num_workers=0``).

The result does not depend on the number of workers or on when a worker
started, and every epoch draws new augmentations. ``tools/train.py``
installs both for mmpretrain training configs (``prepare_config``).

The wrapper also owns what happens to an image that cannot be read: by
default one :class:`UnreadableImageError` line naming the file; with
``skip_unreadable=True`` a warning, the next sample instead, and
``epoch<TAB>path`` appended to ``skipped_file`` (each image counted once
per epoch by :class:`~ftcl_mm.engine.SkippedImagesHook`). A truncated
JPEG/PNG, which cv2 decodes partially without an error, is unreadable here
as in ``tools/check_data.py``.
"""

from __future__ import annotations

import os
import random
import warnings
from typing import Any, Dict, Iterator, List, Optional, Tuple

import numpy as np
import torch
from mmengine.dataset import DefaultSampler
from mmpretrain.registry import DATA_SAMPLERS, DATASETS

from ..utils.errors import UserInputError
from .image_check import is_unreadable, loaded_but_unreadable

SampleKey = Tuple[int, int, int]


class UnreadableImageError(UserInputError):
    """A training image could not be loaded; the message names it."""


def sample_seed(seed: int, epoch: int, index: int) -> int:
    """A 63-bit seed mixed from ``(seed, epoch, index)`` (splitmix64)."""
    x = (seed * 0x9E3779B97F4A7C15 + epoch * 0xBF58476D1CE4E5B9 + index) & (
        (1 << 64) - 1
    )
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & ((1 << 64) - 1)
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & ((1 << 64) - 1)
    return (x ^ (x >> 31)) >> 1


@DATA_SAMPLERS.register_module()
class EpochSeededSampler(DefaultSampler):
    """``DefaultSampler`` whose items are ``(seed, epoch, index)`` keys for
    :class:`ReproducibleDataset` (same indices in the same order)."""

    def __iter__(self) -> Iterator[SampleKey]:
        seed, epoch = int(self.seed), int(self.epoch)
        return ((seed, epoch, int(i)) for i in super().__iter__())


@DATASETS.register_module()
class ReproducibleDataset:
    """Seeds each sample's augmentation from its ``(seed, epoch, index)``.

    Args:
        dataset: The wrapped dataset or its config.
        skip_unreadable: Replace a sample whose image cannot be read by the
            next readable one (with a warning) instead of stopping.
        skipped_file: With ``skip_unreadable``, append ``epoch<TAB>path``
            for every failed attempt here (readable by all workers).
    """

    def __init__(
        self,
        dataset: Any,
        skip_unreadable: bool = False,
        skipped_file: Optional[str] = None,
    ) -> None:
        self.dataset = (
            DATASETS.build(dataset) if isinstance(dataset, dict) else dataset
        )
        self.skip_unreadable = skip_unreadable
        self.skipped_file = skipped_file

    def __len__(self) -> int:
        return len(self.dataset)

    def __getattr__(self, name: str) -> Any:
        # metainfo, get_data_info, ... of the wrapped dataset (guarded:
        # unpickling looks attributes up before ``dataset`` exists).
        if name == 'dataset':
            raise AttributeError(name)
        return getattr(self.dataset, name)

    def __getitem__(self, key):
        if not isinstance(key, tuple):
            return self._load(int(key))
        seed, epoch, index = key
        # In a DataLoader worker every sample re-seeds, so nothing needs
        # restoring; in the main process (num_workers=0) the caller's RNGs
        # are restored. Saving and restoring cost ~60 us per sample.
        restore = torch.utils.data.get_worker_info() is None
        if restore:
            states = (
                random.getstate(),
                np.random.get_state(),
                torch.get_rng_state(),
            )
        s = sample_seed(seed, epoch, index)
        random.seed(s)
        np.random.seed(s % (1 << 32))
        # The CPU generator only: torch.manual_seed also walks the
        # accelerator back-ends (68 us vs 1 us; the same CPU stream).
        torch.default_generator.manual_seed(s)
        try:
            return self._load(index, epoch)
        finally:
            if restore:
                random.setstate(states[0])
                np.random.set_state(states[1])
                torch.set_rng_state(states[2])

    def _image_path(self, index: int) -> str:
        try:
            info = self.dataset.get_data_info(index)
            return str(info.get('img_path') or info.get('filename') or '')
        except Exception:  # a dataset without paths: nothing to check
            return ''

    def _load(self, index: int, epoch: int = -1):
        for attempt in range(len(self)):
            i = (index + attempt) % len(self)
            path = self._image_path(i)
            try:
                sample = self.dataset[i]
            except Exception as e:
                if not is_unreadable(path):
                    raise  # not the image: a bug to see with its traceback
                error = e
            else:
                # cv2 decodes a truncated JPEG without an error: the cheap
                # end-marker test keeps training in line with check_data.
                if not loaded_but_unreadable(path):
                    return sample
                error = OSError('truncated image (no end marker)')
            if not self.skip_unreadable:
                raise UnreadableImageError(
                    f'cannot read training image {path} '
                    f'({type(error).__name__}: {str(error)[:120]}); list '
                    'all bad files with tools/check_data.py CONFIG, or pass '
                    '--cfg-options skip_unreadable_images=True to skip them'
                ) from error
            warnings.warn(f'skipping unreadable image {path}: {error}')
            if self.skipped_file:
                # One line per failed attempt, from any worker; the hook
                # counts each image once per epoch.
                with open(self.skipped_file, 'a') as f:
                    f.write(f'{epoch}\t{path}\n')
        raise UnreadableImageError('no readable image in the dataset')


def skipped_images(path: Optional[str]) -> Dict[int, List[str]]:
    """Distinct images per epoch in a ``skipped_file`` (``epoch<TAB>path``
    per failed attempt; an image can fail as itself and as another
    sample's replacement)."""
    out: Dict[int, List[str]] = {}
    if not path or not os.path.isfile(path):
        return out
    with open(path) as f:
        for line in f:
            epoch, sep, image = line.rstrip('\n').partition('\t')
            if not line.endswith('\n') or not sep or not image:
                continue  # a line torn by a crash
            if not epoch.lstrip('-').isdigit():
                continue
            images = out.setdefault(int(epoch), [])
            if image not in images:
                images.append(image)
    return out
