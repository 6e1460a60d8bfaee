"""Count the training images skipped as unreadable, once per epoch each."""

from __future__ import annotations

from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ...datasets.reproducible import skipped_images
from ...utils.fileio import write_text


@HOOKS.register_module()
class SkippedImagesHook(Hook):
    """Log how many distinct unreadable images were skipped in each epoch
    and list them.

    ``ReproducibleDataset(skip_unreadable=True)`` appends ``epoch<TAB>path``
    for every failed attempt to ``log`` from whichever DataLoader worker
    met it; an image that fails as itself and as the replacement of the
    sample before it appears twice there. This hook (in the main process)
    counts each image once per epoch at the epoch's end and rewrites
    ``out`` (``epoch<TAB>path``, one line per image and epoch) atomically.
    Installed by ``tools/train.py`` with ``--cfg-options
    skip_unreadable_images=True``.

    Args:
        log: The file the dataset appends failed attempts to.
        out: The list of skipped images per epoch.
    """

    priority = 'LOW'

    def __init__(self, log: str, out: str) -> None:
        self.log = log
        self.out = out

    def after_train_epoch(self, runner) -> None:
        per_epoch = skipped_images(self.log)
        images = per_epoch.get(runner.epoch, [])
        if images:
            runner.logger.warning(
                f'epoch {runner.epoch + 1}: skipped {len(images)} unreadable '
                f'training images (listed in {self.out}; '
                'tools/check_data.py CONFIG lists all problems)'
            )
        if per_epoch:
            write_text(
                self.out,
                ''.join(
                    f'{epoch}\t{path}\n'
                    for epoch in sorted(per_epoch)
                    for path in per_epoch[epoch]
                ),
            )
