"""The tiny regime's view augmentations applied to a whole batch of uint8
views at once, with parameters drawn per view by
:class:`~ftcl_mm.datasets.transforms.DrawViewParams`, in one of two
backends:

* ``'float'`` (the tiny regime's default): every operation in float32
  torch on the whole batch, hue through a continuous RGB -> HSV -> RGB
  round trip, no PIL and no rounding between operations (one rounding at
  the end). Same operations, parameters, order and ranges as the
  per-image transforms; the pixels differ from them by the 8-bit
  quantisation the per-image path applies after each operation (and in
  PIL's 8-bit HSV): ``docs/reports/narratives/tiny_cost.md`` reports the
  difference per operation (``tools/performance/profile_tiny.py``).
* ``'pil'``: bit-identical to the per-image transforms (hue through PIL
  on the batch as one image), for results measured before the float
  path. Each operation reproduces the per-image transform it replaces,
  on the same parameters:

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


def hue_float(img: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Rotate the hue of float BGR images by the turn mmcv's uint8
    ``shift`` stands for (``shift / 255``, ``(shift - 256) / 255`` from
    128 on), in float32 torch.

    RGB -> HSV (hexcone, continuous) -> RGB with the compact form
    ``c_n = v - v s clamp(min(k_n, 4 - k_n), 0, 1)``, ``k_n = (n + 6 h)
    mod 6`` for ``n = 5, 3, 1`` (R, G, B): value and saturation are kept
    exactly, no 8-bit HSV, no PIL, any device.

    Args:
        img: N x 3 x H x W float BGR in [0, 255].
        shift: N hue shifts (0-255, as :func:`hue_shift` returns).
    """
    b, g, r = img[:, 0], img[:, 1], img[:, 2]
    maxc = img.amax(1)
    minc = img.amin(1)
    delta = maxc - minc
    # 1 / delta, and 0 where the pixel is gray (hue 0, as PIL).
    inv = (delta > 0).to(img.dtype) / delta.clamp(min=1e-12)
    # Hexcone hue in sixths of a turn; the first maximal channel wins
    # (R, then G, then B), as colorsys and PIL. Masks as numbers: torch's
    # elementwise where is several times slower on the CPU.
    is_r = (r == maxc).to(img.dtype)
    is_g = (g == maxc).to(img.dtype) * (1 - is_r)
    is_b = 1 - is_r - is_g
    h = (
        is_r * (g - b) * inv
        + is_g * (2 + (b - r) * inv)
        + is_b * (4 + (r - g) * inv)
    ) * (delta > 0).to(img.dtype)
    # mmcv adds the uint8 shift with wrap-around to PIL's 8-bit hue, whose
    # 255 is a full turn: s >= 128 stands for the negative shift s - 256
    # (np.uint8 of a negative hue factor), in 255ths of a turn.
    signed = shift.to(img.device, torch.float64)
    signed = torch.where(signed >= 128, signed - 256, signed)
    turn = (signed / 255).to(img.dtype).view(-1, 1, 1)
    h6 = h + 6 * turn  # in (-4, 10): reduced mod 6 per channel below
    vs = delta  # v * s, with v = maxc and s = delta / maxc
    out = torch.empty_like(img)
    for c, n in enumerate((1, 3, 5)):  # B, G, R: BGR channel order
        k = n + h6
        k = k - 6 * torch.floor(k / 6)  # (n + 6h) mod 6
        k = torch.minimum(k, 4 - k).clamp_(0, 1)
        torch.sub(maxc, vs * k, out=out[:, c])
    return out


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


#: The colour-jitter operations by DrawViewParams' order code.
_JITTER = ('brightness', 'contrast', 'saturation', 'hue')


#: The backends of :func:`apply_view_params`.
BACKENDS = ('float', 'pil')


def _blend_float(
    degenerate: torch.Tensor, img: torch.Tensor, factor
) -> torch.Tensor:
    """``_blend`` without the 8-bit truncation (kept in range)."""
    return (degenerate + factor * (img - degenerate)).clamp_(0, 255)


def _luma_float(img: torch.Tensor) -> torch.Tensor:
    """ITU-R 601-2 luma of float BGR images, unrounded."""
    return (
        img[:, _R : _R + 1] * 0.299
        + img[:, _G : _G + 1] * 0.587
        + img[:, _B : _B + 1] * 0.114
    )


def _jitter_float(name: str, img: torch.Tensor, f: torch.Tensor):
    """One colour-jitter operation of the float backend."""
    if name == 'hue':
        return hue_float(img, hue_shift(f.tolist()))
    f = f.to(torch.float32).view(-1, 1, 1, 1)
    if name == 'brightness':
        return _blend_float(torch.zeros_like(img), img, f)
    gray = _luma_float(img)
    if name == 'contrast':
        # float64: the sum of float32 pixels is exact there, so the mean
        # does not depend on the reduction order (the thread count); in
        # float32 it did, and a last-bit change flips the truncation of
        # some pixels and with it a whole training trajectory.
        mean = gray.double().mean((1, 2, 3), keepdim=True).to(img.dtype)
        return _blend_float(mean.expand_as(img), img, f)
    return _blend_float(gray.expand_as(img), img, f)  # saturation


def _jitter_pil(name: str, img: torch.Tensor, f: torch.Tensor):
    """One colour-jitter operation, bit-identical to PIL."""
    if name == 'hue':
        return hue(img, hue_shift(f.tolist()))
    return dict(
        brightness=brightness, contrast=contrast, saturation=saturation
    )[name](img, f.to(torch.float32))


def apply_view_params(
    views: torch.Tensor, params: torch.Tensor, backend: str = 'pil'
) -> torch.Tensor:
    """Augment a batch of uint8 BGR views with their drawn parameters.

    Args:
        views: N x 3 x H x W uint8 (square images for quarter turns).
        params: N x ``len(PARAM_NAMES)`` from ``DrawViewParams``.
        backend: ``'pil'`` (bit-identical to the per-image transforms) or
            ``'float'`` (float32 torch throughout, one rounding at the
            end; see the module docstring).

    Returns:
        The augmented views, N x 3 x H x W uint8.
    """
    if backend not in BACKENDS:
        raise ValueError(f'backend must be one of {BACKENDS}, got {backend!r}')
    exact = backend == 'pil'
    jitter_op = _jitter_pil if exact else _jitter_float
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
            name = _JITTER[op]
            factors = col[name][idx]
            if factors.isnan().any():  # a ColorJitter without this part
                continue
            y = jitter_op(name, y, factors)
        x[idx] = y
    idx = (col['gray'] > 0).nonzero().flatten()
    if len(idx):
        w = params[idx, _P['gray_b'] : _P['gray_r'] + 1]
        if exact:
            x[idx] = grayscale(x[idx], w)
        else:
            w = w.to(torch.float32).view(-1, 3, 1, 1)
            x[idx] = (x[idx] * w).sum(1, keepdim=True).expand(-1, 3, -1, -1)
    for k in (1, 2, 3):
        idx = (col['rot90_k'] == k).nonzero().flatten()
        if len(idx):
            x[idx] = torch.rot90(x[idx], k, dims=(2, 3))
    idx = (col['flip'] > 0).nonzero().flatten()
    if len(idx):
        x[idx] = torch.flip(x[idx], dims=(3,))
    # Both truncate to uint8, as PIL and mmcv do after each step; the
    # float path does it once, at the end.
    return x.to(torch.uint8) if exact else x.clamp_(0, 255).to(torch.uint8)


#: Operations :func:`compare_backends` isolates, and the whole view.
COMPARED_OPS = _JITTER + ('grayscale', 'all')


def _only(params: torch.Tensor, op: str) -> torch.Tensor:
    """``params`` with every operation but ``op`` switched off (no turn,
    no flip; the jitter keeps only ``op``'s factor)."""
    p = params.clone()
    if op == 'all':
        return p
    p[:, _P['rot90_k']] = 0
    p[:, _P['flip']] = 0
    if op == 'grayscale':
        p[:, _P['jitter']] = 0
        p[:, _P['gray']] = 1
        return p
    p[:, _P['gray']] = 0
    p[:, _P['jitter']] = 1
    for name in _JITTER:
        if name != op:
            p[:, _P[name]] = float('nan')
    return p


def compare_backends(views: torch.Tensor, params: torch.Tensor) -> dict:
    """How far the float backend moves the pixels from the PIL one.

    Args:
        views: N x 3 x H x W uint8 BGR crops.
        params: N x ``len(PARAM_NAMES)`` drawn parameters.

    Returns:
        ``{op: {'max': ..., 'mean': ..., 'p99': ...}}`` absolute pixel
        differences (0-255) for each operation of :data:`COMPARED_OPS`
        alone on the same parameters (``'all'``: the whole view).
    """
    out = {}
    for op in COMPARED_OPS:
        p = _only(params, op)
        a = apply_view_params(views, p, 'pil').to(torch.float32)
        b = apply_view_params(views, p, 'float').to(torch.float32)
        d = (a - b).abs().flatten()
        out[op] = dict(
            max=float(d.max()),
            mean=float(d.mean()),
            p99=float(torch.quantile(d[:: max(1, len(d) // 1_000_000)], 0.99)),
        )
    return out
