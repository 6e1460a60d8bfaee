"""The tiny regime's view augmentations applied to a whole batch of uint8
views at once (torch; hue through PIL on the batch as one image), with
parameters drawn per view by
:class:`~ftcl_mm.datasets.transforms.DrawViewParams`.

Each operation reproduces the per-image transform it replaces, on the
same parameters:

* quarter turns (``RandomRot90``: ``np.rot90``) and horizontal flips
  (``RandomFlip``): exact;
* grayscale (mmpretrain ``RandomGrayscale``, BGR weights, float64 sum,
  truncated): exact;
* colour jitter (mmpretrain ``ColorJitter``, ``backend='pillow'``): PIL's
  ``ImageEnhance`` is ``Image.blend(degenerate, image, factor)`` computed
  in float32 and truncated, with the ITU-R 601-2 luma ``L = (19595 R +
  38470 G + 7471 B + 2^15) >> 16`` as the degenerate image of saturation
  and its rounded mean for contrast; hue goes through PIL's own 8-bit HSV
  conversion, run once on the whole batch, shifted by ``np.uint8(hue *
  255)`` with uint8 wrap-around. The four are applied in each view's own
  random order.

``tests/test_models/test_view_ops.py`` checks every operation, and whole
views through the tiny regime's pipeline, bit for bit against the
per-image transforms. Images are BGR as loaded by mmcv.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from ...datasets.transforms.view_params import PARAM_NAMES

_P = {name: i for i, name in enumerate(PARAM_NAMES)}
# BGR channel indices of PIL's R, G, B (mmcv hands PIL img[..., ::-1]).
_R, _G, _B = 2, 1, 0


def _blend(
    degenerate: torch.Tensor, img: torch.Tensor, factor
) -> torch.Tensor:
    """``Image.blend(degenerate, img, factor)``: float32 ``d + f (x - d)``
    (separate multiply and add, as PIL's C loop), clipped, truncated."""
    out = degenerate + factor * (img - degenerate)
    return out.clamp_(0, 255).floor_()


def luma(img: torch.Tensor) -> torch.Tensor:
    """PIL's ``convert('L')`` of BGR float images (N x 3 x H x W) as
    N x 1 x H x W float: ``(19595 R + 38470 G + 7471 B + 2^15) >> 16``,
    exact in float32 (every term and sum stays below 2^24)."""
    acc = (
        img[:, _R : _R + 1] * 19595
        + img[:, _G : _G + 1] * 38470
        + img[:, _B : _B + 1] * 7471
        + 0x8000
    )
    return torch.floor(acc / 65536)


def brightness(img: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
    return _blend(torch.zeros_like(img), img, f.view(-1, 1, 1, 1))


def contrast(img: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
    # ImageEnhance.Contrast: mean = int(mean of L + 0.5), a flat image.
    mean = luma(img).to(torch.float64).mean((1, 2, 3))
    mean = torch.floor(mean + 0.5).to(img.dtype).view(-1, 1, 1, 1)
    return _blend(mean.expand_as(img), img, f.view(-1, 1, 1, 1))


def saturation(img: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
    return _blend(luma(img).expand_as(img), img, f.view(-1, 1, 1, 1))


def hue(img: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Shift PIL's 8-bit hue by ``shift`` (int64 per image, 0-255).

    PIL's own HSV conversion on the whole batch at once: the N images are
    stacked into one tall RGB image, so it costs two C calls per batch
    (~5 ns per pixel) instead of two per image, and is exact by
    construction. Runs on the host; the result returns to ``img``'s
    device.
    """
    from PIL import Image

    n, _, h, w = img.shape
    bgr = img.to('cpu', torch.uint8).permute(0, 2, 3, 1).numpy()
    rgb = np.ascontiguousarray(bgr[..., ::-1]).reshape(n * h, w, 3)
    hsv = np.array(Image.fromarray(rgb, 'RGB').convert('HSV'))
    hsv = hsv.reshape(n, h, w, 3)
    # uint8 addition wraps around, as in mmcv.adjust_hue.
    hsv[..., 0] += shift.numpy().astype(np.uint8)[:, None, None]
    out = Image.fromarray(hsv.reshape(n * h, w, 3), 'HSV').convert('RGB')
    bgr = np.array(out).reshape(n, h, w, 3)[..., ::-1]
    return (
        torch.from_numpy(np.ascontiguousarray(bgr))
        .permute(0, 3, 1, 2)
        .to(img.device, img.dtype)
    )


def hue_shift(factors: Sequence[float]) -> torch.Tensor:
    """``np.uint8(hue * 255)`` per image, as mmcv computes it (a negative
    value wraps around)."""
    with np.errstate(over='ignore', invalid='ignore'):
        shifts = (np.asarray(factors, np.float64) * 255).astype(np.uint8)
    return torch.from_numpy(shifts.astype(np.int64))


def grayscale(img: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """mmpretrain RandomGrayscale (keep_channels): float64 weighted sum of
    the BGR channels (``weights``: N x 3, normalised), truncated, in every
    channel."""
    w = weights.to(torch.float64).view(-1, 3, 1, 1)
    gray = (img.to(torch.float64) * w).sum(1, keepdim=True).floor()
    return gray.to(img.dtype).expand_as(img).contiguous()


_JITTER = (
    ('brightness', brightness),
    ('contrast', contrast),
    ('saturation', saturation),
    ('hue', None),  # hue needs the uint8 shift
)


def apply_view_params(
    views: torch.Tensor, params: torch.Tensor
) -> torch.Tensor:
    """Augment a batch of uint8 BGR views with their drawn parameters.

    Args:
        views: N x 3 x H x W uint8 (square images for quarter turns).
        params: N x ``len(PARAM_NAMES)`` from ``DrawViewParams``.

    Returns:
        The augmented views, N x 3 x H x W uint8.
    """
    x = views.to(torch.float32)
    params = params.to(torch.float64).cpu()
    col = {name: params[:, i] for name, i in _P.items()}
    # Colour first: every colour operation here is pixel-wise or uses the
    # image mean, so it commutes with quarter turns and flips.
    # Views sharing a jitter order are augmented together: one gather and
    # one scatter per order instead of one per operation.
    jitter = col['jitter'] > 0
    orders = params[:, _P['order0'] : _P['order3'] + 1].to(torch.int64)
    codes = (orders * torch.tensor([64, 16, 4, 1])).sum(1)
    for code in torch.unique(codes[jitter]).tolist():
        idx = (jitter & (codes == code)).nonzero().flatten()
        y = x[idx]
        for op in orders[idx[0]].tolist():
            name, fn = _JITTER[op]
            factors = col[name][idx]
            if factors.isnan().any():  # a ColorJitter without this part
                continue
            if fn is None:
                y = hue(y, hue_shift(factors.tolist()))
            else:
                y = fn(y, factors.to(torch.float32))
        x[idx] = y
    idx = (col['gray'] > 0).nonzero().flatten()
    if len(idx):
        w = params[idx, _P['gray_b'] : _P['gray_r'] + 1]
        x[idx] = grayscale(x[idx], w)
    for k in (1, 2, 3):
        idx = (col['rot90_k'] == k).nonzero().flatten()
        if len(idx):
            x[idx] = torch.rot90(x[idx], k, dims=(2, 3))
    idx = (col['flip'] > 0).nonzero().flatten()
    if len(idx):
        x[idx] = torch.flip(x[idx], dims=(3,))
    return x.to(torch.uint8)
