"""Grids of generated samples (Hard Sample Generation) as PNG images."""

from typing import Dict

import numpy as np
import torch

from ..utils.fileio import atomic_path


def sample_grid(samples: Dict[str, torch.Tensor], pad: int = 2) -> np.ndarray:
    """One row per sample index; columns ``single``, ``pair_a``, ``pair_b``
    (those present), images in [0, 1] (N x 3 x H x W).

    Returns:
        An H x W x 3 uint8 RGB array (white padding).
    """
    columns = [
        samples[k] for k in ('single', 'pair_a', 'pair_b') if k in samples
    ]
    if not columns:
        raise ValueError('no samples to draw')
    rows = min(c.size(0) for c in columns)
    _, _, h, w = columns[0].shape
    grid = np.full(
        (rows * (h + pad) + pad, len(columns) * (w + pad) + pad, 3),
        255,
        np.uint8,
    )
    for j, col in enumerate(columns):
        imgs = (col[:rows].detach().float().clamp(0, 1) * 255).round()
        imgs = imgs.byte().permute(0, 2, 3, 1).cpu().numpy()
        for i in range(rows):
            y, x = pad + i * (h + pad), pad + j * (w + pad)
            grid[y : y + h, x : x + w] = imgs[i]
    return grid


def save_png(img: np.ndarray, path: str) -> None:
    """Write an RGB uint8 array as PNG via a temp file and rename."""
    from PIL import Image

    with atomic_path(path) as tmp:
        Image.fromarray(img).save(tmp, format='PNG')
