"""Count the training images skipped as unreadable, per epoch."""

from __future__ import annotations

from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ...datasets.reproducible import skipped_count


@HOOKS.register_module()
class SkippedImagesHook(Hook):
    """Log how many unreadable images were skipped in each epoch.

    ``ReproducibleDataset(skip_unreadable=True)`` appends every skipped
    path to ``path`` from whichever DataLoader worker met it; this hook (in
    the main process) reads the count at each epoch end. Installed by
    ``tools/train.py`` with ``--cfg-options skip_unreadable_images=True``.

    Args:
        path: The file the dataset appends skipped paths to.
    """

    priority = 'LOW'

    def __init__(self, path: str) -> None:
        self.path = path
        self._seen = 0

    def before_train(self, runner) -> None:
        self._seen = skipped_count(self.path)

    def after_train_epoch(self, runner) -> None:
        total = skipped_count(self.path)
        if total > self._seen:
            runner.logger.warning(
                f'epoch {runner.epoch}: skipped {total - self._seen} '
                f'unreadable training images (listed in {self.path}; '
                'tools/check_data.py CONFIG lists all problems)'
            )
        self._seen = total
