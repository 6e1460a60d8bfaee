"""Downstream tasks of the tiny regime, drawn by the same generator.

The pretraining images' class is the outline; hue, orientation and texture
are nuisances the augmentations teach invariance to. Each task here makes
one of those factors the label, so the claims the sibling methods make
(LooC: augmentation-sensitive tasks; HSG: data efficiency; FT: less
task-biased features) can show:

* ``colour``: the shape's hue, in ``COLOUR_BINS`` bins of the hue circle
  (colour jitter removes it); any outline, solid fill;
* ``rotation``: the quarter turn (0-3) of an asymmetric outline drawn
  upright (+-15 degrees) and rotated (LooC's rotation task; rot90
  augmentation removes it);
* ``finegrained``: 10 outlines x 5 fill details (solid, fine stripes,
  coarse stripes, checks, dots) = 50 classes, in the CUB-200-2011 layout
  that mmpretrain's ``CUB`` dataset reads (``configs/benchmarks/
  classification/tiny/resnet18w16_*_finegrained_tiny.py``).

``colour`` and ``rotation`` are ImageNet-style folders with
``meta/{train,test}.txt`` (``CustomDataset``). Every image is drawn from
its own generator keyed by task, split and index (``ds-<task>-<split>``),
so no task image is a pretraining image and the output does not depend
on generation order. Few-shot episodes and corrupted images are made at
evaluation time (:mod:`ftcl_mm.evaluation.suite`).
"""

from __future__ import annotations

import colorsys
import os
import os.path as osp
from typing import Dict, List, Tuple

import cv2
import numpy as np

from .shapes import SHAPES, background, image_rng, shape_mask

#: Hue bins of the colour task.
COLOUR_BINS = 8
#: Outlines of the rotation task: none is symmetric under a quarter turn.
ROTATION_SHAPES = ('heart', 'arrow', 'lshape', 'crescent')
#: Fill details of the fine-grained task, in label order within an outline.
DETAILS = ('solid', 'fine-stripes', 'coarse-stripes', 'checks', 'dots')
#: The task folders under ``<data root>/downstream/``.
TASKS = ('colour', 'rotation', 'finegrained')


def _place(rng: np.random.Generator, size: int) -> Tuple[float, float, float]:
    """Radius and centre of the one shape of a task image (the
    pretraining images' ranges)."""
    r = rng.uniform(size * 0.22, size * 0.42)
    cx = rng.uniform(r * 0.6, size - r * 0.6)
    cy = rng.uniform(r * 0.6, size - r * 0.6)
    return r, cx, cy


def _finish(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.clip(img + rng.normal(0, 3, size=img.shape), 0, 255).astype(
        np.uint8
    )


def render_colour(
    rng: np.random.Generator, size: int, hue_bin: int, bins: int = COLOUR_BINS
) -> np.ndarray:
    """A solid shape (any outline, any orientation) whose hue lies in bin
    ``hue_bin`` of ``bins`` (kept 15 % of a bin away from its edges),
    bright on the dark background as every generated image."""
    img = background(rng, size, size, gratings=0)
    cls = SHAPES[int(rng.integers(len(SHAPES)))]
    r, cx, cy = _place(rng, size)
    mask = shape_mask(cls, rng, size, size, cx, cy, r)
    hue = (hue_bin + rng.uniform(0.15, 0.85)) / bins
    red, green, blue = colorsys.hsv_to_rgb(
        hue, rng.uniform(0.55, 0.9), rng.uniform(0.85, 1.0)
    )
    img[mask] = np.array([blue, green, red]) * 255  # BGR
    return _finish(img, rng)


def render_rotation(
    rng: np.random.Generator, size: int, quarter_turns: int
) -> np.ndarray:
    """An asymmetric outline drawn upright (+-15 degrees, random hue)
    and turned by ``quarter_turns`` x 90 degrees."""
    img = background(rng, size, size, gratings=0)
    cls = ROTATION_SHAPES[int(rng.integers(len(ROTATION_SHAPES)))]
    r, cx, cy = _place(rng, size)
    upright = np.deg2rad(rng.uniform(-15, 15))
    mask = shape_mask(cls, rng, size, size, cx, cy, r, rotation=upright)
    img[mask] = 255 - rng.uniform(0, 90, size=3)
    img = np.rot90(img, k=quarter_turns, axes=(0, 1))
    return _finish(np.ascontiguousarray(img), rng)


def _detail_pattern(
    detail: str, size: int, rng: np.random.Generator
) -> np.ndarray:
    """HxW bool: where the fill's second tone goes (empty for solid)."""
    yy, xx = np.mgrid[0:size, 0:size]
    theta = rng.uniform(0, np.pi)
    u = xx * np.cos(theta) + yy * np.sin(theta)
    v = -xx * np.sin(theta) + yy * np.cos(theta)
    if detail == 'solid':
        return np.zeros((size, size), bool)
    if detail == 'fine-stripes':
        return (u // 2) % 2 == 1
    if detail == 'coarse-stripes':
        return (u // 5) % 2 == 1
    if detail == 'checks':
        return ((u // 4) + (v // 4)) % 2 == 1
    # dots: discs of radius 1.5 on a 6-pixel grid
    du, dv = (u % 6) - 3, (v % 6) - 3
    return du * du + dv * dv <= 2.25


def render_finegrained(
    rng: np.random.Generator, size: int, outline: str, detail: str
) -> np.ndarray:
    """``outline`` (any orientation) filled with ``detail``: a bright base
    colour of random hue and, where the detail's pattern is, a darker tone
    of it (still brighter than the background)."""
    img = background(rng, size, size, gratings=0)
    r, cx, cy = _place(rng, size)
    mask = shape_mask(outline, rng, size, size, cx, cy, r)
    base = 255 - rng.uniform(0, 90, size=3)
    second = base - rng.uniform(55, 75)
    pattern = _detail_pattern(detail, size, rng)
    img[mask] = base
    img[mask & pattern] = second
    return _finish(img, rng)


def finegrained_classes(outlines: int = len(SHAPES)) -> List[str]:
    """Class names of the fine-grained task, in label order."""
    return [f'{s}.{d}' for s in SHAPES[:outlines] for d in DETAILS]


def _write(path: str, img: np.ndarray) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, img, [cv2.IMWRITE_JPEG_QUALITY, 95]):
        raise OSError(f'cannot write {path}')


def _write_folders(
    root: str,
    task: str,
    classes: List[str],
    per_class: int,
    size: int,
    seed: int,
    draw,
) -> Dict[str, int]:
    """ImageNet-style ``<split>/<class>/*.JPEG`` + ``meta/<split>.txt``."""
    os.makedirs(osp.join(root, 'meta'), exist_ok=True)
    counts = {}
    for split in ('train', 'test'):
        lines = []
        for label, name in enumerate(classes):
            for i in range(per_class):
                rng = image_rng(seed, f'ds-{task}-{split}-{name}', i)
                rel = f'{name}/{name}_{i:05d}.JPEG'
                _write(osp.join(root, split, rel), draw(rng, label))
                lines.append(f'{rel} {label}')
        with open(osp.join(root, 'meta', f'{split}.txt'), 'w') as f:
            f.write('\n'.join(lines) + '\n')
        counts[split] = len(lines)
    with open(osp.join(root, 'meta', 'classes.txt'), 'w') as f:
        f.write('\n'.join(classes) + '\n')
    return counts


def write_cub_layout(
    root: str, outlines: int, per_class: int, size: int, seed: int
) -> Dict[str, int]:
    """The fine-grained task in CUB-200-2011's layout: ``images/<NNN.
    class>/*.jpg``, ``images.txt``, ``image_class_labels.txt`` (1-based),
    ``train_test_split.txt`` (1 = train) and ``classes.txt``."""
    classes = finegrained_classes(outlines)
    images, labels, split_rows, n = [], [], [], 0
    counts = {'train': 0, 'test': 0}
    for label, name in enumerate(classes):
        outline, detail = name.split('.')
        folder = f'{label + 1:03d}.{name}'
        for split in ('train', 'test'):
            for i in range(per_class):
                n += 1
                rng = image_rng(seed, f'ds-finegrained-{split}-{name}', i)
                rel = f'{folder}/{split}_{i:05d}.jpg'
                _write(
                    osp.join(root, 'images', rel),
                    render_finegrained(rng, size, outline, detail),
                )
                images.append(f'{n} {rel}')
                labels.append(f'{n} {label + 1}')
                split_rows.append(f'{n} {int(split == "train")}')
                counts[split] += 1
    for name, rows in (
        ('images.txt', images),
        ('image_class_labels.txt', labels),
        ('train_test_split.txt', split_rows),
        ('classes.txt', [f'{i + 1} {c}' for i, c in enumerate(classes)]),
    ):
        with open(osp.join(root, name), 'w') as f:
            f.write('\n'.join(rows) + '\n')
    return counts


def write_downstream(
    root: str, per_class: int, size: int, seed: int, outlines: int
) -> Dict[str, Dict[str, int]]:
    """Every task under ``root`` (``colour/``, ``rotation/``,
    ``finegrained/``); returns the image counts per task and split.

    Args:
        root: ``<data root>/downstream``.
        per_class: Train (and test) images per class of colour and
            rotation; the fine-grained task has half as many (at least 2)
            per class, over 5x the classes.
        size: Image side in pixels.
        seed: Master seed.
        outlines: Outlines of the fine-grained task (the pretraining
            classes).
    """
    colours = [f'hue{b}' for b in range(COLOUR_BINS)]
    return dict(
        colour=_write_folders(
            osp.join(root, 'colour'),
            'colour',
            colours,
            per_class,
            size,
            seed,
            lambda rng, label: render_colour(rng, size, label),
        ),
        rotation=_write_folders(
            osp.join(root, 'rotation'),
            'rotation',
            [f'rot{90 * k}' for k in range(4)],
            per_class,
            size,
            seed,
            lambda rng, label: render_rotation(rng, size, label),
        ),
        finegrained=write_cub_layout(
            osp.join(root, 'finegrained'),
            outlines,
            max(2, per_class // 2),
            size,
            seed,
        ),
    )
