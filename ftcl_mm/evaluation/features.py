"""Pooled last-stage features of a frozen backbone over a dataset."""

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
    """Average-pooled last-stage activations (not normalised) and labels.

    Args:
        model: An mmpretrain classifier (its ``data_preprocessor`` and
            ``backbone`` are used, in eval mode).
        dataset_cfg: The dataset, with a deterministic pipeline.
        batch_size: Images per forward pass.
        device: Where the backbone runs.

    Returns:
        ``(features N x C, labels N, number of classes)``.
    """
    from mmengine.dataset import default_collate
    from mmpretrain.registry import DATASETS

    dataset = DATASETS.build(dataset_cfg)
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=batch_size, collate_fn=default_collate
    )
    model.eval()
    feats, labels = [], []
    for batch in loader:
        data = model.data_preprocessor(batch, False)
        x = model.backbone(data['inputs'].to(device))[-1]
        feats.append(x.mean((2, 3)))
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
