"""Pooled features of a frozen classifier (backbone, neck) over a dataset."""

from __future__ import annotations

from typing import Tuple

import torch


@torch.no_grad()
def extract_features(
    model: torch.nn.Module,
    dataset_cfg: dict,
    batch_size: int,
    device: torch.device,
) -> Tuple[torch.Tensor, torch.Tensor, int]:
    """What the classifier's head sees (not normalised), and labels.

    The backbone's average-pooled last stage, or, where the classifier has
    a neck that is more than pooling (LooC++'s concatenated spaces), that
    neck's output.

    Args:
        model: An mmpretrain classifier (its ``data_preprocessor``,
            ``backbone`` and neck are used, in eval mode).
        dataset_cfg: The dataset, with a deterministic pipeline.
        batch_size: Images per forward pass.
        device: Where the backbone runs.

    Returns:
        ``(features N x C, labels N, number of classes)``.
    """
    from mmengine.dataset import default_collate
    from mmengine.registry import DefaultScope
    from mmpretrain.models.necks import GlobalAveragePooling
    from mmpretrain.registry import DATASETS

    # mmpretrain's dataset and transforms whatever scope the caller left
    # as default (mmdet's register_all_modules sets 'mmdet').
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        dataset = DATASETS.build(dataset_cfg)
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=batch_size, collate_fn=default_collate
    )
    model.eval()
    # Pooling necks are skipped: the backbone's mean is the same features.
    neck = getattr(model, 'neck', None)
    if isinstance(neck, GlobalAveragePooling):
        neck = None
    feats, labels = [], []
    for batch in loader:
        data = model.data_preprocessor(batch, False)
        x = model.backbone(data['inputs'].to(device))
        x = neck(x)[-1] if neck is not None else x[-1]
        feats.append(x.mean((2, 3)) if x.dim() == 4 else x)
        labels.append(
            torch.stack([s.gt_label[0] for s in data['data_samples']]).to(
                device
            )
        )
    labels = torch.cat(labels)
    classes = len(dataset.metainfo.get('classes') or []) or int(
        labels.max() + 1
    )
    return torch.cat(feats), labels, classes
