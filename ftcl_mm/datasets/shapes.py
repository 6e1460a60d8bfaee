"""Rendering of the generated shape images (no file formats here).

Every generated dataset of this project (the demo's ImageNet/VOC/COCO
folders and the tiny self-supervised benchmark) is drawn by this module:
filled shapes of a fixed vocabulary on textured, cluttered backgrounds.
The class of an image is its shape's *outline*; everything else is a
nuisance factor drawn independently of the class -- hue and texture of
the shape, colour, gratings, gradient and clutter of the background,
scale, position, rotation and aspect -- so that low-level statistics carry
little label information and a useful representation must be invariant to
what the self-supervised augmentations change (colour jitter, crops,
flips, 90-degree rotations).

One constraint was found by measurement
(docs/reports/narratives/tiny_regime.md): shapes are *bright on a darker
background*. With both colours uniform over RGB, the outline is so hard
to learn from scratch that a supervised ResNet-18 was still at 11-14 %
(10 classes) after 4 epochs, and SimCLR learnt nothing a kNN could read
in 10 epochs; with the contrast polarity fixed (hues still random)
supervised training reaches ~50 % after one epoch and SimCLR/MoCo learn
the outline in minutes on a CPU.

Each image is drawn from its own generator seeded by ``(seed, subset,
index)``, so output does not depend on generation order.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

#: Shape vocabulary, in label order. The first four are the original demo
#: classes, so a 4-class dataset is the same as before.
SHAPES: Tuple[str, ...] = (
    'circle',
    'square',
    'triangle',
    'star',
    'cross',
    'ring',
    'crescent',
    'heart',
    'arrow',
    'lshape',
)


def image_rng(seed: int, subset: str, index: int) -> np.random.Generator:
    """Independent generator per image (order-independent output)."""
    key = [seed, index] + [ord(c) for c in subset]
    return np.random.default_rng(np.random.SeedSequence(key))


# --------------------------------------------------------------------------
# Outlines: unit-radius polygons (lists of contours), centred at 0
# --------------------------------------------------------------------------
def _regular(n: int, phase: float = 0.5) -> np.ndarray:
    t = (np.arange(n) * 2 / n + phase) * np.pi
    return np.stack([np.cos(t), np.sin(t)], 1)


def _circle(rng) -> List[np.ndarray]:
    t = np.linspace(0, 2 * np.pi, 48, endpoint=False)
    return [np.stack([np.cos(t), rng.uniform(0.8, 1.0) * np.sin(t)], 1)]


def _square(rng) -> List[np.ndarray]:
    pts = _regular(4, 0.25)
    pts[:, 1] *= rng.uniform(0.7, 1.0)  # rectangles too
    return [pts]


def _triangle(rng) -> List[np.ndarray]:
    return [_regular(3)]


def _star(rng) -> List[np.ndarray]:
    t = np.arange(10) * np.pi / 5
    rad = np.where(np.arange(10) % 2 == 0, 1.0, rng.uniform(0.35, 0.5))
    return [np.stack([rad * np.cos(t), rad * np.sin(t)], 1)]


def _cross(rng) -> List[np.ndarray]:
    w = rng.uniform(0.28, 0.38)
    return [
        np.array(
            [
                [-w, -1],
                [w, -1],
                [w, -w],
                [1, -w],
                [1, w],
                [w, w],
                [w, 1],
                [-w, 1],
                [-w, w],
                [-1, w],
                [-1, -w],
                [-w, -w],
            ],
            np.float64,
        )
    ]


def _ring(rng) -> List[np.ndarray]:
    t = np.linspace(0, 2 * np.pi, 48, endpoint=False)
    unit = np.stack([np.cos(t), np.sin(t)], 1)
    return [unit, unit * rng.uniform(0.45, 0.6)]  # outer, hole


def _crescent(rng) -> List[np.ndarray]:
    # Outer arc of the unit circle, inner arc of a shifted circle.
    inner_r = rng.uniform(0.75, 0.9)
    shift = rng.uniform(0.35, 0.5)
    t = np.linspace(0, 2 * np.pi, 96, endpoint=False)
    outer = np.stack([np.cos(t), np.sin(t)], 1)
    inner = np.stack([shift + inner_r * np.cos(t), inner_r * np.sin(t)], 1)
    keep = np.linalg.norm(outer - [shift, 0], axis=1) > inner_r
    a = outer[keep]
    inside = np.linalg.norm(inner, axis=1) < 1
    b = inner[inside]
    # Order the inner arc to continue where the outer arc ends.
    b = b[np.argsort(-np.arctan2(b[:, 1], b[:, 0] - shift) % (2 * np.pi))]
    a = a[np.argsort(np.arctan2(a[:, 1], a[:, 0]) % (2 * np.pi))]
    return [np.concatenate([a, b])]


def _heart(rng) -> List[np.ndarray]:
    t = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    x = 16 * np.sin(t) ** 3
    y = -(
        13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t)
    )
    pts = np.stack([x, y], 1)
    pts -= pts.mean(0)
    return [pts / np.abs(pts).max()]


def _arrow(rng) -> List[np.ndarray]:
    w = rng.uniform(0.18, 0.28)  # shaft half-width
    h = rng.uniform(0.55, 0.7)  # head half-width
    x = rng.uniform(0.0, 0.2)  # where the head starts
    return [
        np.array(
            [[-1, -w], [x, -w], [x, -h], [1, 0], [x, h], [x, w], [-1, w]],
            np.float64,
        )
    ]


def _lshape(rng) -> List[np.ndarray]:
    w = rng.uniform(0.35, 0.5)  # arm thickness
    pts = np.array(
        [
            [-1, -1],
            [-1 + 2 * w, -1],
            [-1 + 2 * w, 1 - 2 * w],
            [1, 1 - 2 * w],
            [1, 1],
            [-1, 1],
        ],
        np.float64,
    )
    return [pts]


_OUTLINES: Dict[str, Callable[[np.random.Generator], List[np.ndarray]]] = {
    'circle': _circle,
    'square': _square,
    'triangle': _triangle,
    'star': _star,
    'cross': _cross,
    'ring': _ring,
    'crescent': _crescent,
    'heart': _heart,
    'arrow': _arrow,
    'lshape': _lshape,
}
assert tuple(_OUTLINES) == SHAPES


def shape_mask(
    cls: str,
    rng: np.random.Generator,
    h: int,
    w: int,
    cx: float,
    cy: float,
    r: float,
    rotation: Optional[float] = None,
) -> np.ndarray:
    """Boolean HxW mask of a shape of class ``cls``, radius ``r``, centred
    at ``(cx, cy)``, rotated by ``rotation`` radians (None: a random
    rotation; contours after the first are holes)."""
    if cls not in _OUTLINES:
        raise ValueError(f'unknown shape {cls!r}; known: {", ".join(SHAPES)}')
    contours = _OUTLINES[cls](rng)
    rot = rng.uniform(0, 2 * np.pi) if rotation is None else rotation
    c, s = np.cos(rot), np.sin(rot)
    mat = np.array([[c, s], [-s, c]])
    mask = np.zeros((h, w), np.uint8)
    for i, pts in enumerate(contours):
        poly = np.round(pts @ mat * r + [cx, cy]).astype(np.int32)
        cv2.fillPoly(mask, [poly], 0 if i else 1)
    return mask.astype(bool)


# --------------------------------------------------------------------------
# Nuisance factors
# --------------------------------------------------------------------------
def background(
    rng: np.random.Generator,
    h: int,
    w: int,
    clutter: int = 0,
    gratings: int = 3,
) -> np.ndarray:
    """Float HxWx3 dark background (channel values ~0-110): a random base
    colour, a linear gradient, ``gratings`` oriented gratings, blurred noise
    and ``clutter`` mid-tone strokes and blobs."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.empty((h, w, 3), np.float32)
    img[:] = rng.uniform(15, 75, size=3)
    gdir = rng.uniform(0, 2 * np.pi)
    ramp = (xx * np.cos(gdir) + yy * np.sin(gdir)) / max(h, w)
    img += ramp[..., None] * rng.uniform(-20, 20, size=3)
    for _ in range(gratings):
        theta = rng.uniform(0, np.pi)
        freq = rng.uniform(0.02, 0.15) * 192 / max(h, w)
        phase = rng.uniform(0, 2 * np.pi)
        wave = np.sin(freq * (xx * np.cos(theta) + yy * np.sin(theta)) + phase)
        img += wave[..., None] * rng.uniform(-10, 10, size=3)
    noise = rng.normal(0, 9, size=(h, w, 3)).astype(np.float32)
    img += cv2.GaussianBlur(noise, (0, 0), sigmaX=1.5)
    for _ in range(clutter):
        colour = tuple(float(v) for v in rng.uniform(40, 140, size=3))
        if rng.random() < 0.5:
            p1 = tuple(int(v) for v in rng.integers(0, (w, h)))
            p2 = tuple(int(v) for v in rng.integers(0, (w, h)))
            cv2.line(img, p1, p2, colour, int(rng.integers(1, 3)), cv2.LINE_AA)
        else:
            centre = tuple(int(v) for v in rng.integers(0, (w, h)))
            cv2.circle(
                img,
                centre,
                int(rng.integers(1, max(2, h // 16))),
                colour,
                -1,
                cv2.LINE_AA,
            )
    return img


def paint(
    img: np.ndarray,
    mask: np.ndarray,
    rng: np.random.Generator,
    textured: float = 2 / 3,
) -> None:
    """Fill ``mask`` in ``img`` with a bright colour of random hue (channel
    values 165-255), solid or, with probability ``textured``, striped or
    checked with a second, darker tone (still brighter than the
    background)."""
    h, w = mask.shape
    base = 255 - rng.uniform(0, 90, size=3)
    if rng.random() >= textured:
        img[mask] = base
        return
    yy, xx = np.mgrid[0:h, 0:w]
    period = max(2, int(rng.integers(4, 12) * h / 96))
    if rng.random() < 0.5:
        theta = rng.uniform(0, np.pi)
        pattern = ((xx * np.cos(theta) + yy * np.sin(theta)) // period) % 2
    else:
        pattern = (xx // period + yy // period) % 2
    second = base - rng.uniform(30, 80, size=3)
    fill = np.where(pattern[..., None] == 1, base, second)
    img[mask] = fill[mask]


def render_scene(
    rng: np.random.Generator,
    h: int,
    w: int,
    classes: Sequence[str],
    radius_range: Tuple[float, float],
    min_visible: float = 0.3,
    clutter: int = 0,
    gratings: int = 3,
    textured: float = 2 / 3,
) -> Tuple[np.ndarray, List[dict]]:
    """Render shapes of the given classes, in order, onto a background.

    Args:
        rng: Random generator for this image.
        h: Image height.
        w: Image width.
        classes: Class of each shape; later shapes occlude earlier ones.
        radius_range: Range of the shape radius in pixels.
        min_visible: Shapes with less than this fraction visible after
            occlusion are dropped from the annotations.
        clutter: Random strokes/blobs drawn on the background.
        gratings: Oriented gratings summed into the background.
        textured: Probability that a shape is striped/checked, not solid.

    Returns:
        The uint8 BGR image and, per kept shape, a dict with ``label``
        (index into :data:`SHAPES`) and ``mask`` (visible part, bool HxW).
    """
    img = background(rng, h, w, clutter, gratings)
    masks, labels, areas = [], [], []
    for cls in classes:
        r = rng.uniform(*radius_range)
        cx = rng.uniform(r * 0.6, w - r * 0.6)
        cy = rng.uniform(r * 0.6, h - r * 0.6)
        mask = shape_mask(cls, rng, h, w, cx, cy, r)
        if not mask.any():
            continue
        paint(img, mask, rng, textured)
        for prev in masks:  # occlusion: the new shape hides older ones
            prev &= ~mask
        masks.append(mask)
        labels.append(SHAPES.index(cls))
        areas.append(int(mask.sum()))
    img = np.clip(img + rng.normal(0, 3, size=img.shape), 0, 255)
    objects = [
        dict(label=lab, mask=m)
        for lab, m, area in zip(labels, masks, areas)
        if m.sum() >= max(min_visible * area, 30 * h * w / 192**2)
    ]
    return img.astype(np.uint8), objects
