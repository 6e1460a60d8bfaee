"""Deterministic synthetic dataset in the real on-disk formats users have.

The demo pipeline and the tests need images that look like a (tiny)
recognition problem and annotations in exactly the formats of the real
datasets, so that the *real* mmpretrain/mmdet dataset classes read them:

* ImageNet-style folders ``imagenet/{train,val}/<class>/*.JPEG`` with
  ``imagenet/meta/{train,val}.txt`` ann files (``path label`` per line);
* PASCAL VOC ``VOCdevkit/VOC2007`` (trainval + test) and
  ``VOCdevkit/VOC2012`` (trainval) with XML annotations and ImageSets;
* COCO ``coco/{train2017,val2017}`` with
  ``coco/annotations/instances_{train,val}2017.json`` and polygon masks;
* the *tiny detection benchmark* ``tiny_det/VOCdevkit`` and
  ``tiny_det/coco`` in the same two formats: the tiny classification
  split's 10 shape classes in its style (solid shapes of random hue, size
  and rotation on a dark gradient), several objects per image, some
  overlapping, so that detection transfer from the tiny regime's backbones
  can be measured (``configs/benchmarks/mmdetection/tiny/*_tinydet_*``).

The images are drawn by :mod:`ftcl_mm.datasets.shapes` (textured,
cluttered backgrounds with filled shapes of varied colour, texture, size,
rotation and position); later shapes occlude earlier ones, and boxes/masks
describe only the visible part. The classification split is the *tiny*
self-supervised benchmark of this project: one shape per image, the shape
is the label, every other factor is a nuisance (see ``shapes.py``).
Every image is seeded from ``(seed, subset, index)``, so the output does
not depend on generation order and is identical across runs.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import os.path as osp
from dataclasses import asdict, dataclass
from typing import Callable, Dict, List, NamedTuple, Sequence, Tuple
from xml.etree import ElementTree as ET

import cv2
import numpy as np

from ..utils.fileio import atomic_path, read_json
from .downstream import write_downstream
from .shapes import SHAPES, image_rng, render_scene

#: Object classes of the demo detection data (VOC/COCO; the demo detection
#: configs name them). The classification split uses the first
#: ``cls_classes`` shapes of :data:`~ftcl_mm.datasets.shapes.SHAPES`.
DEMO_CLASSES: Tuple[str, ...] = SHAPES[:4]

_MARKER = 'demo_data.json'


@dataclass(frozen=True)
class DemoDataSpec:
    """Sizes of the generated dataset.

    The defaults are the tiny self-supervised benchmark
    (``configs/selfsup/tiny/``): 10 shape classes, 64 px, 500 training and
    100 validation images per class, one solid bright shape per image on
    a dark background with a gradient and noise. Its nuisance factors are
    those the self-supervised augmentations teach invariance to (hue ->
    colour jitter, position/scale -> crops, orientation -> flips and
    90-degree rotations); background clutter (``cls_clutter``) is
    optional: measured, it slowed SimCLR (kNN 45 -> 33 % after 10 epochs,
    with textured shapes and gratings) without lowering random init.

    Args:
        cls_classes: Classes of the classification split (the first
            ``cls_classes`` of :data:`~ftcl_mm.datasets.shapes.SHAPES`).
        cls_train_per_class: Classification training images per class.
        cls_val_per_class: Classification validation images per class
            (``val/``, ``meta/val.txt``: the evaluation of the tables
            measured before the held-out split).
        cls_heldout_per_class: Held-out evaluation images per class
            (``heldout/``, ``meta/heldout.txt``; drawn from their own
            seeds, disjoint from train and val): the tiny regime's
            evaluation, 10 x 1000 images = +-0.5 point binomial error at
            50 % (the 1000 of val: +-1.6).
        suite_per_class: Train and test images per class of the downstream
            tasks (``downstream/``: colour, rotation; the fine-grained task
            half as many per class over 50 classes; see
            :mod:`ftcl_mm.datasets.downstream`).
        cls_size: Side of classification images in pixels.
        cls_clutter: Most random strokes/blobs on a classification image's
            background (0 to this many, uniformly; default none).
        det_train: Detection training images (per VOC year / COCO).
        det_val: Detection test images (VOC2007 test / COCO val2017).
        det_size: Side of detection images in pixels.
        tdet_train: Tiny detection benchmark training images (per VOC year
            / COCO); 0 leaves the benchmark out.
        tdet_val: Its test images (VOC2007 test / COCO val2017).
        tdet_size: Side of its images in pixels.
        seed: Master seed.
    """

    cls_classes: int = 10
    cls_train_per_class: int = 500
    cls_val_per_class: int = 100
    cls_heldout_per_class: int = 1000
    suite_per_class: int = 100
    cls_size: int = 64
    cls_clutter: int = 0
    det_train: int = 24
    det_val: int = 8
    det_size: int = 192
    tdet_train: int = 500
    tdet_val: int = 200
    tdet_size: int = 128
    seed: int = 0

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if name in ('seed', 'cls_clutter', 'tdet_train'):
                continue
            if not isinstance(value, int) or value < 1:
                raise ValueError(
                    f'{name} must be a positive integer, got {value!r}'
                )
        if not isinstance(self.tdet_train, int) or self.tdet_train < 0:
            raise ValueError(
                f'tdet_train must be an integer >= 0, got {self.tdet_train!r}'
            )
        if self.cls_clutter < 0:
            raise ValueError(
                f'cls_clutter must be >= 0, got {self.cls_clutter}'
            )
        if not 2 <= self.cls_classes <= len(SHAPES):
            raise ValueError(
                f'cls_classes must be in [2, {len(SHAPES)}] '
                f'(the shapes: {", ".join(SHAPES)}), got '
                f'{self.cls_classes}'
            )
        if self.cls_size < 32 or min(self.det_size, self.tdet_size) < 64:
            raise ValueError(
                'cls_size must be >= 32 and det_size, tdet_size >= 64 '
                'pixels so that shapes stay recognisable'
            )

    @property
    def cls_names(self) -> Tuple[str, ...]:
        """Names of the classification classes, in label order."""
        return SHAPES[: self.cls_classes]

    def detection_sets(self) -> List['DetectionSet']:
        """The detection sets to write: the demo's and, with
        ``tdet_train > 0``, the tiny detection benchmark (always the tiny
        regime's 10 classes, whatever ``cls_classes``: its configs name
        them)."""
        sets = [
            DetectionSet(
                '',
                DEMO_CLASSES,
                self.det_size,
                self.det_train,
                self.det_val,
                (1, 3),
                (0.08, 0.25),
                plain=False,
            )
        ]
        if self.tdet_train:
            sets.append(
                DetectionSet(
                    'tiny_det',
                    SHAPES,
                    self.tdet_size,
                    self.tdet_train,
                    self.tdet_val,
                    (2, 5),
                    (0.09, 0.2),
                    plain=True,
                )
            )
        return sets


class DetectionSet(NamedTuple):
    """One generated detection dataset (VOC and COCO of the same kind).

    Attributes:
        root: Sub-directory of the output (``''``: the output itself).
        classes: Object classes (a prefix of :data:`SHAPES`).
        size: Image side in pixels.
        train: Training images per VOC year and for COCO.
        val: Test images (VOC2007 test, COCO val2017).
        objects: Fewest and most shapes drawn per image (occluded ones may
            drop out of the annotations).
        radius: Shape radius range as fractions of the side.
        plain: The tiny classification style (solid fill, gradient
            background); else the demo's textures and gratings.
    """

    root: str
    classes: Tuple[str, ...]
    size: int
    train: int
    val: int
    objects: Tuple[int, int]
    radius: Tuple[float, float]
    plain: bool


def _bbox(mask: np.ndarray) -> Tuple[int, int, int, int]:
    """Inclusive pixel box (x1, y1, x2, y2) of a non-empty mask."""
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def _polygons(mask: np.ndarray) -> List[List[float]]:
    """COCO polygons (outer contours with >= 3 points) of a mask."""
    contours, _ = cv2.findContours(
        mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
    )
    polys = []
    for c in contours:
        if len(c) >= 3:
            polys.append([float(v) + 0.5 for v in c.reshape(-1)])
    return polys


def _write_jpeg(path: str, img: np.ndarray) -> None:
    if not cv2.imwrite(path, img, [cv2.IMWRITE_JPEG_QUALITY, 92]):
        raise OSError(f'could not write image {path}')


def _scene_classes(rng: np.random.Generator, det: DetectionSet) -> List[str]:
    n = int(rng.integers(det.objects[0], det.objects[1] + 1))
    return [det.classes[i] for i in rng.integers(len(det.classes), size=n)]


# --------------------------------------------------------------------------
# Writers for each format
# --------------------------------------------------------------------------
def write_imagenet(root: str, spec: DemoDataSpec) -> None:
    """ImageNet-style folders + ``meta/{train,val}.txt`` ann files.

    One solid shape per image (the label), radius 22-42 % of the side,
    anywhere in the image (parts may be cut off), on a plain dark
    background (gradient and noise) with 0 to ``spec.cls_clutter``
    strokes/blobs.
    """
    os.makedirs(osp.join(root, 'meta'), exist_ok=True)
    s = spec.cls_size
    for split, per_class in (
        ('train', spec.cls_train_per_class),
        ('val', spec.cls_val_per_class),
        ('heldout', spec.cls_heldout_per_class),
    ):
        lines = []
        for label, cls in enumerate(spec.cls_names):
            os.makedirs(osp.join(root, split, cls), exist_ok=True)
            for i in range(per_class):
                rng = image_rng(spec.seed, f'cls-{split}-{cls}', i)
                clutter = int(rng.integers(0, spec.cls_clutter + 1))
                img, _ = render_scene(
                    rng,
                    s,
                    s,
                    [cls],
                    (s * 0.22, s * 0.42),
                    clutter=clutter,
                    gratings=0,
                    textured=0.0,
                )
                rel = f'{cls}/{cls}_{i:05d}.JPEG'
                _write_jpeg(osp.join(root, split, rel), img)
                lines.append(f'{rel} {label}')
        with open(osp.join(root, 'meta', f'{split}.txt'), 'w') as f:
            f.write('\n'.join(lines) + '\n')
    with open(osp.join(root, 'meta', 'classes.txt'), 'w') as f:
        f.write('\n'.join(spec.cls_names) + '\n')


def _detection_scenes(
    spec: DemoDataSpec, det: DetectionSet, subset: str, num: int
) -> List[Tuple[str, np.ndarray, List[dict]]]:
    s = det.size
    style = dict(clutter=0, gratings=0, textured=0.0) if det.plain else {}
    radius = (s * det.radius[0], s * det.radius[1])
    key = f'{det.root}-det-{subset}' if det.root else f'det-{subset}'
    scenes = []
    for i in range(num):
        rng = image_rng(spec.seed, key, i)
        img, objects = render_scene(
            rng, s, s, _scene_classes(rng, det), radius, **style
        )
        if not objects:  # every image must carry at least one object
            img, objects = render_scene(
                rng, s, s, [det.classes[0]], (s * 0.1, s * 0.2), **style
            )
        scenes.append((f'{subset}_{i:06d}', img, objects))
    return scenes


def _voc_xml(
    name: str, folder: str, img: np.ndarray, objects: List[dict]
) -> ET.ElementTree:
    ann = ET.Element('annotation')
    ET.SubElement(ann, 'folder').text = folder
    ET.SubElement(ann, 'filename').text = f'{name}.jpg'
    size = ET.SubElement(ann, 'size')
    ET.SubElement(size, 'width').text = str(img.shape[1])
    ET.SubElement(size, 'height').text = str(img.shape[0])
    ET.SubElement(size, 'depth').text = '3'
    ET.SubElement(ann, 'segmented').text = '0'
    for o in objects:
        obj = ET.SubElement(ann, 'object')
        ET.SubElement(obj, 'name').text = SHAPES[o['label']]
        ET.SubElement(obj, 'pose').text = 'Unspecified'
        ET.SubElement(obj, 'truncated').text = '0'
        ET.SubElement(obj, 'difficult').text = '0'
        box = ET.SubElement(obj, 'bndbox')
        x1, y1, x2, y2 = _bbox(o['mask'])
        # VOC boxes are 1-based inclusive pixel coordinates.
        for k, v in zip(
            ('xmin', 'ymin', 'xmax', 'ymax'), (x1 + 1, y1 + 1, x2 + 1, y2 + 1)
        ):
            ET.SubElement(box, k).text = str(v)
    return ET.ElementTree(ann)


def write_voc(root: str, spec: DemoDataSpec, det: DetectionSet) -> None:
    """``VOCdevkit/VOC2007`` (trainval, test) and ``VOC2012`` (trainval)."""
    years = (
        ('VOC2007', (('trainval', det.train), ('test', det.val))),
        ('VOC2012', (('trainval', det.train),)),
    )
    for year, subsets in years:
        base = osp.join(root, year)
        for sub in ('JPEGImages', 'Annotations', 'ImageSets/Main'):
            os.makedirs(osp.join(base, sub), exist_ok=True)
        for subset, num in subsets:
            ids = []
            for name, img, objects in _detection_scenes(
                spec, det, f'{year.lower()}-{subset}', num
            ):
                _write_jpeg(osp.join(base, 'JPEGImages', f'{name}.jpg'), img)
                _voc_xml(name, year, img, objects).write(
                    osp.join(base, 'Annotations', f'{name}.xml')
                )
                ids.append(name)
            with open(
                osp.join(base, 'ImageSets/Main', f'{subset}.txt'), 'w'
            ) as f:
                f.write('\n'.join(ids) + '\n')


def write_coco(root: str, spec: DemoDataSpec, det: DetectionSet) -> None:
    """``{train,val}2017`` images and ``annotations/instances_*.json``."""
    os.makedirs(osp.join(root, 'annotations'), exist_ok=True)
    categories = [
        dict(id=i + 1, name=c, supercategory='shape')
        for i, c in enumerate(det.classes)
    ]
    ann_id = 1
    for split, num in (
        ('train2017', det.train),
        ('val2017', det.val),
    ):
        os.makedirs(osp.join(root, split), exist_ok=True)
        images, annotations = [], []
        for img_id, (name, img, objects) in enumerate(
            _detection_scenes(spec, det, f'coco-{split}', num), start=1
        ):
            file_name = f'{name}.jpg'
            _write_jpeg(osp.join(root, split, file_name), img)
            images.append(
                dict(
                    id=img_id,
                    file_name=file_name,
                    height=img.shape[0],
                    width=img.shape[1],
                )
            )
            for o in objects:
                polys = _polygons(o['mask'])
                if not polys:
                    continue
                x1, y1, x2, y2 = _bbox(o['mask'])
                annotations.append(
                    dict(
                        id=ann_id,
                        image_id=img_id,
                        category_id=o['label'] + 1,
                        segmentation=polys,
                        area=float(o['mask'].sum()),
                        bbox=[x1, y1, x2 - x1 + 1, y2 - y1 + 1],
                        iscrowd=0,
                    )
                )
                ann_id += 1
        with open(
            osp.join(root, 'annotations', f'instances_{split}.json'), 'w'
        ) as f:
            json.dump(
                dict(
                    images=images,
                    annotations=annotations,
                    categories=categories,
                ),
                f,
            )


def _run_writers(
    tasks: Sequence[Tuple[Callable, tuple]], workers: int
) -> None:
    """Run independent writers, ``workers`` at a time.

    Each writer fills its own folder and seeds every image by its own name
    (:func:`~.shapes.image_rng`), so the files are the same whatever the
    order or process. Forked processes (no re-import of the stack; the
    writers use numpy, OpenCV and PIL only); sequential where fork is not
    available. Pool hands tasks out in order, so the largest goes first.
    """
    workers = min(workers, len(tasks))
    if workers <= 1 or 'fork' not in mp.get_all_start_methods():
        for fn, args in tasks:
            fn(*args)
        return
    # One OpenCV thread per writer: its pool, inherited across fork, is
    # not safe to reuse in the child, and the writers share the cores.
    with mp.get_context('fork').Pool(
        workers, initializer=cv2.setNumThreads, initargs=(1,)
    ) as pool:
        pending = [pool.apply_async(fn, args) for fn, args in tasks]
        for p in pending:
            p.get()  # a writer's exception is raised here


def generate_demo_data(
    out_dir: str,
    spec: DemoDataSpec = DemoDataSpec(),
    force: bool = False,
    workers: int = 1,
) -> bool:
    """Write the whole demo dataset under ``out_dir``.

    The data is written into a temporary sibling directory and renamed into
    place, so an interrupted run never leaves a half-written dataset. If
    ``out_dir`` already holds data generated with the same spec, nothing is
    done (idempotent).

    Args:
        out_dir: Target directory (``imagenet/``, ``VOCdevkit/``,
            ``coco/`` and ``tiny_det/`` are created inside it).
        spec: Sizes and seed.
        force: Regenerate even if ``out_dir`` already holds generated data
            of another spec; never replaces a folder without the marker
            (files this function did not write). (Data
            of an older version written with the same options is
            regenerated without it.)
        workers: Processes writing the parts side by side (the
            ImageNet-style set, the downstream suite, each detection set's
            VOC and COCO); the files do not depend on it.

    Returns:
        True if data was generated, False if up-to-date data was reused.

    Raises:
        FileExistsError: ``out_dir`` holds something else (different spec
            or foreign files) and ``force`` is not set.
    """
    out_dir = osp.abspath(out_dir)
    marker = osp.join(out_dir, _MARKER)
    if osp.isdir(out_dir) and os.listdir(out_dir) and not osp.isfile(marker):
        # Not written by this function (no marker): replacing it would
        # delete the user's files, so --force does not reach here either.
        raise FileExistsError(
            f'{out_dir} holds files that were not generated here (no '
            f'{_MARKER}); choose another --out directory (--force only '
            'regenerates generated demo data)'
        )
    if osp.exists(out_dir) and not force:
        older = False
        if osp.isfile(marker):
            made = read_json(marker)  # a damaged marker: one line
            if made == asdict(spec):
                return False
            # Written by an older version with the same options: the
            # fields it lacks are at their defaults, so regenerate it
            # (e.g. to add tiny_det/) instead of asking for --force.
            defaults = asdict(DemoDataSpec())
            older = set(made) < set(asdict(spec)) and all(
                made[k] == v if k in made else v == defaults[k]
                for k, v in asdict(spec).items()
            )
        if os.listdir(out_dir) and not older:
            raise FileExistsError(
                f'{out_dir} holds demo data of another spec; pass --force '
                'to regenerate it or choose another --out directory'
            )
    with atomic_path(out_dir) as tmp:
        tasks = [
            (write_imagenet, (osp.join(tmp, 'imagenet'), spec)),
            (
                write_downstream,
                (
                    osp.join(tmp, 'downstream'),
                    spec.suite_per_class,
                    spec.cls_size,
                    spec.seed,
                    spec.cls_classes,
                ),
            ),
        ]
        for det in spec.detection_sets():
            root = osp.join(tmp, det.root)
            tasks.append((write_voc, (osp.join(root, 'VOCdevkit'), spec, det)))
            tasks.append((write_coco, (osp.join(root, 'coco'), spec, det)))
        _run_writers(tasks, workers)
        with open(osp.join(tmp, _MARKER), 'w') as f:
            json.dump(asdict(spec), f, indent=1)
    return True


def dataset_summary(out_dir: str) -> Dict[str, int]:
    """Count generated files per part (used for progress/log output)."""
    counts = {}
    for part, pattern in (
        ('imagenet', '.JPEG'),
        ('VOCdevkit', '.jpg'),
        ('coco', '.jpg'),
        ('tiny_det', '.jpg'),
        ('downstream', ('.JPEG', '.jpg')),
    ):
        n = 0
        for _, _, files in os.walk(osp.join(out_dir, part)):
            n += sum(f.endswith(pattern) for f in files)
        counts[part] = n
    return counts
