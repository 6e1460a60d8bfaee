"""What is wrong with an image file, if anything.

Shared by ``tools/check_data.py`` (scans whole datasets:
:func:`image_paths`, :func:`scan_images`) and
:class:`~ftcl_mm.datasets.ReproducibleDataset` (tells an unreadable image
from a bug elsewhere in the pipeline when loading fails, and catches the
truncated JPEGs that cv2 decodes without an error), so both agree on what
is unreadable.
"""

from __future__ import annotations

import os
from typing import Dict, List, Optional, Tuple

from ..utils.errors import ConfigError

#: Problems after which the image cannot be used at all.
FATAL = ('missing', 'empty', 'unreadable')
#: Readable but not what an RGB pipeline expects (decoders convert them).
ODD = ('mode',)


def check_image(path: str) -> Optional[Tuple[str, str]]:
    """``(kind, detail)`` of the first problem of ``path``, None if fine.

    ``kind`` is one of :data:`FATAL` (missing file, 0 bytes, truncated or
    not decodable) or :data:`ODD` (a colour mode other than RGB: CMYK,
    grayscale, palette, alpha; decoders convert these, but they often mark
    a file from another source).
    """
    from PIL import Image

    if not os.path.isfile(path):
        return 'missing', 'file does not exist'
    if os.path.getsize(path) == 0:
        return 'empty', '0 bytes'
    try:
        with Image.open(path) as im:
            im.verify()  # structure (checksums, chunk order)
        with Image.open(path) as im:
            im.load()  # full decode: finds truncated data
            mode = im.mode
    except Exception as e:  # PIL raises OSError, SyntaxError, ValueError...
        return 'unreadable', f'{type(e).__name__}: {e}'[:200]
    if not _cv2_decodes(path):
        # mmcv's default (cv2) backend, what training loads with: PIL reads
        # GIFs (and more) that cv2 cannot, and LoadImageFromFile asserts.
        return 'unreadable', (
            f'cv2 (the training decoder) cannot decode this {im.format} '
            'file; convert it to JPEG or PNG'
        )
    if mode != 'RGB':
        return 'mode', f'{mode} (expected RGB)'
    return None


def _cv2_decodes(path: str) -> bool:
    """Whether cv2 decodes ``path`` (JPEG, PNG, BMP, TIFF, WebP: yes; GIF:
    no)."""
    import cv2
    import numpy as np

    with open(path, 'rb') as f:
        data = np.frombuffer(f.read(), np.uint8)
    return cv2.imdecode(data, cv2.IMREAD_UNCHANGED) is not None


#: How far from the end a JPEG's end-of-image marker may sit (a few bytes
#: of padding after it are common).
_TAIL = 64
_PNG_END = b'IEND\xaeB`\x82'


def looks_truncated(path: str) -> bool:
    """Whether a JPEG or PNG file lacks its end marker, reading only its
    first and last bytes (no decode).

    cv2 (mmcv's default decoder) decodes a truncated JPEG partially and
    returns the grey-filled rest without an error, so training would use
    it; a file cut short lacks the JPEG end-of-image marker ``FF D9``
    (which cannot occur inside entropy-coded data) or PNG's ``IEND``
    chunk. A file with more trailing bytes than usual after its marker
    also lands here: confirm with :func:`check_image`.
    """
    try:
        with open(path, 'rb') as f:
            head = f.read(8)
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - _TAIL))
            tail = f.read()
    except OSError:
        return True
    if head[:2] == b'\xff\xd8':
        return b'\xff\xd9' not in tail
    if head == b'\x89PNG\r\n\x1a\n':
        return _PNG_END not in tail
    return False


def loaded_but_unreadable(path: str) -> bool:
    """For an image the pipeline *did* load: whether it is in fact
    truncated, as :func:`check_image` would say. Costs two small reads
    per image; the full check (a second decode) runs only for files
    without their end marker."""
    return bool(path) and looks_truncated(path) and is_unreadable(path)


def is_unreadable(path: str) -> bool:
    """Whether ``path`` has a :data:`FATAL` problem."""
    problem = check_image(path)
    return problem is not None and problem[0] in FATAL


def image_paths(cfg, splits) -> Dict[str, List[str]]:
    """Image paths of each split's dataset (``cfg``: a resolved config;
    ``splits``: ``train``, ``val``, ``test``), as its annotations list
    them.

    Raises:
        ConfigError: A split's dataset cannot be built.
    """
    from mmengine.registry import DATASETS, init_default_scope

    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    out = {}
    for split in splits:
        loader = cfg.get(f'{split}_dataloader')
        if (
            not loader
            or split in ('val', 'test')
            and not loader.get('dataset')
        ):
            continue
        try:
            dataset = DATASETS.build(loader.dataset)
            if hasattr(dataset, 'full_init'):
                dataset.full_init()
        except Exception as e:
            raise ConfigError(
                f'{split}_dataloader.dataset cannot be built '
                f'({type(e).__name__}: {e}); check its data_root/ann_file'
            ) from e
        paths = []
        for i in range(len(dataset)):
            info = dataset.get_data_info(i)
            path = info.get('img_path') or info.get('filename')
            if path:
                paths.append(str(path))
        out[split] = paths
    return out


#: Images per task: the progress bar advances per chunk (a line per
#: update when stderr is not a terminal).
CHUNK = 256


def _check_chunk(paths: List[str]) -> List[Tuple[str, object]]:
    return [(path, check_image(path)) for path in paths]


def scan_images(
    paths: List[str], jobs: int, fatal_only: bool = False
) -> List[Tuple[str, str, str]]:
    """Check ``paths`` in ``jobs`` processes with a progress bar on stderr.

    Returns:
        ``(path, kind, detail)`` of every problem (only :data:`FATAL` ones
        with ``fatal_only``), in ``paths`` order.
    """
    import sys

    from mmengine.utils import track_parallel_progress

    chunks = [paths[i : i + CHUNK] for i in range(0, len(paths), CHUNK)]
    found = [
        r
        for part in (
            track_parallel_progress(
                _check_chunk, chunks, nproc=jobs, file=sys.stderr
            )
            if chunks
            else []
        )
        for r in part
    ]
    return [
        (path, kind, detail)
        for path, problem in found
        if problem is not None
        for kind, detail in [problem]
        if kind in FATAL or not fatal_only
    ]
