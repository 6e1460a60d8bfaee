"""ImageNet-C style corruptions of uint8 BGR images, at 5 severities.

Four of Hendrycks and Dietterich's families, with their severity ladders
scaled to 64-pixel images: Gaussian noise, Gaussian blur, JPEG
compression and contrast. Deterministic: the noise comes from a generator
seeded by the caller.
"""

from __future__ import annotations

from typing import Callable, Dict

import cv2
import numpy as np

#: Severity 1-5 parameters per corruption.
SEVERITIES: Dict[str, tuple] = {
    'noise': (0.04, 0.06, 0.08, 0.10, 0.13),  # std, fraction of 255
    'blur': (0.5, 0.8, 1.1, 1.5, 2.0),  # Gaussian sigma, pixels
    'jpeg': (40, 25, 15, 10, 6),  # quality
    'contrast': (0.6, 0.45, 0.32, 0.22, 0.14),  # factor towards the mean
}
CORRUPTIONS = tuple(SEVERITIES)


def _noise(img: np.ndarray, s: float, rng: np.random.Generator):
    out = img.astype(np.float32) + rng.normal(0, s * 255, img.shape)
    return np.clip(out, 0, 255).astype(np.uint8)


def _blur(img: np.ndarray, s: float, rng: np.random.Generator):
    return cv2.GaussianBlur(img, (0, 0), sigmaX=s)


def _jpeg(img: np.ndarray, q: int, rng: np.random.Generator):
    ok, buf = cv2.imencode('.jpg', img, [cv2.IMWRITE_JPEG_QUALITY, int(q)])
    if not ok:
        raise RuntimeError('cv2 could not encode a JPEG')
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def _contrast(img: np.ndarray, c: float, rng: np.random.Generator):
    x = img.astype(np.float32)
    mean = x.mean(axis=(0, 1), keepdims=True)
    return np.clip((x - mean) * c + mean, 0, 255).astype(np.uint8)


_FN: Dict[str, Callable] = dict(
    noise=_noise, blur=_blur, jpeg=_jpeg, contrast=_contrast
)


def corrupt(
    img: np.ndarray, name: str, severity: int, rng: np.random.Generator
) -> np.ndarray:
    """``img`` (H x W x 3 uint8 BGR) under corruption ``name`` at
    ``severity`` (1-5).

    Raises:
        ValueError: an unknown corruption or severity.
    """
    if name not in _FN:
        raise ValueError(
            f'unknown corruption {name!r}; known: {", ".join(CORRUPTIONS)}'
        )
    if severity not in range(1, 6):
        raise ValueError(f'severity must be 1-5, got {severity!r}')
    return _FN[name](img, SEVERITIES[name][severity - 1], rng)
