"""Temperature-weighted kNN voting (InstDisc/DINO protocol)."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def knn_top1(
    train_feats: torch.Tensor,
    train_labels: torch.Tensor,
    val_feats: torch.Tensor,
    val_labels: torch.Tensor,
    k: int,
    temperature: float,
    num_classes: int,
    chunk: int = 256,
) -> float:
    """Top-1 (%) of kNN voting on cosine similarity: each val feature
    votes with its ``k`` nearest train features weighted by
    ``exp(cos / temperature)``. Features are L2-normalised here."""
    train_feats = F.normalize(train_feats, dim=1)
    val_feats = F.normalize(val_feats, dim=1)
    correct = 0
    for start in range(0, len(val_feats), chunk):
        sims = val_feats[start : start + chunk] @ train_feats.t()
        top_s, top_i = sims.topk(min(k, len(train_feats)), dim=1)
        votes = torch.zeros(len(top_s), num_classes, device=sims.device)
        votes.scatter_add_(1, train_labels[top_i], (top_s / temperature).exp())
        correct += (votes.argmax(1) == val_labels[start : start + chunk]).sum()
    return 100.0 * float(correct) / len(val_feats)
