"""ImageNet-100: the standard 100-class subset of ImageNet-1k (CMC's list,
used by the FT paper's IN-100 experiments), read from the ImageNet-1k
layout without copying images."""

import os.path as osp
from typing import Optional, Sequence, Union

from mmengine.fileio import list_from_file
from mmpretrain.datasets import CustomDataset
from mmpretrain.datasets.custom import get_samples
from mmpretrain.registry import DATASETS

#: The 100 WordNet ids shipped with the package (one per line).
WNIDS_FILE = osp.join(osp.dirname(__file__), 'meta', 'imagenet100_wnids.txt')


def load_wnids(path: str = WNIDS_FILE) -> tuple:
    """Class ids, in file order (label i is the i-th id)."""
    wnids = tuple(w.strip() for w in list_from_file(path) if w.strip())
    if len(set(wnids)) != len(wnids):
        raise ValueError(f'duplicate class ids in {path}')
    return wnids


@DATASETS.register_module()
class ImageNet100(CustomDataset):
    """The ImageNet-100 subset of an ImageNet-1k directory.

    Expected layout (``val`` sorted into class folders, as for MoCo)::

        data_root/train/n01440764/*.JPEG  ...
        data_root/val/n01440764/*.JPEG    ...

    Optionally ``ann_file`` lists ``<wnid>/<file> <label>`` lines of the
    full ImageNet-1k; lines of other classes are skipped and labels are
    re-indexed to 0..99.

    Args:
        data_root: ImageNet-1k root.
        split: ``'train'`` or ``'val'`` (sets ``data_prefix``).
        wnids: Class ids to keep (default: the 100 standard ones).
        **kwargs: Arguments of :class:`mmpretrain.datasets.CustomDataset`.
    """

    def __init__(
        self,
        data_root: str = '',
        split: str = 'train',
        data_prefix: Union[str, dict] = '',
        ann_file: str = '',
        wnids: Optional[Sequence[str]] = None,
        **kwargs,
    ) -> None:
        if split not in ('train', 'val'):
            raise ValueError(f"split must be 'train' or 'val', got {split!r}")
        self.wnids = tuple(wnids) if wnids else load_wnids()
        metainfo = dict(classes=self.wnids, **kwargs.pop('metainfo', {}))
        super().__init__(
            data_root=data_root,
            data_prefix=data_prefix or split,
            ann_file=ann_file,
            metainfo=metainfo,
            **kwargs,
        )

    def load_data_list(self) -> list:
        index = {w: i for i, w in enumerate(self.wnids)}
        if self.ann_file:
            data_list = []
            for line in list_from_file(self.ann_file):
                path = line.strip().rsplit(' ', 1)[0]
                wnid = path.replace('\\', '/').split('/')[0]
                if wnid in index:
                    data_list.append(
                        dict(
                            img_path=osp.join(self.img_prefix, path),
                            gt_label=index[wnid],
                        )
                    )
            if not data_list:
                raise RuntimeError(
                    f'{self.ann_file} lists none of the {len(index)} '
                    'ImageNet-100 classes; expected "<wnid>/<file> <label>" '
                    'lines of ImageNet-1k'
                )
            return data_list
        missing = [
            w
            for w in self.wnids
            if not osp.isdir(osp.join(self.img_prefix, w))
        ]
        if missing:
            raise FileNotFoundError(
                f'{len(missing)} of the {len(self.wnids)} ImageNet-100 class '
                f'folders are missing under {self.img_prefix} (e.g. '
                f'{missing[0]}); point data_root at an ImageNet-1k root with '
                'train/<wnid>/ and val/<wnid>/ folders'
            )
        samples, _ = get_samples(
            self.img_prefix, index, is_valid_file=self.is_valid_file
        )
        return [
            dict(img_path=osp.join(self.img_prefix, path), gt_label=label)
            for path, label in samples
        ]
