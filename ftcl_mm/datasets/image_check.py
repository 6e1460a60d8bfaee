"""What is wrong with an image file, if anything.

Shared by ``tools/check_data.py`` (scans whole datasets) and
:class:`~ftcl_mm.datasets.ReproducibleDataset` (tells an unreadable image
from a bug elsewhere in the pipeline when loading fails).
"""

from __future__ import annotations

import os
from typing import Optional, Tuple

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
    if mode != 'RGB':
        return 'mode', f'{mode} (expected RGB)'
    return None


def is_unreadable(path: str) -> bool:
    """Whether ``path`` has a :data:`FATAL` problem."""
    problem = check_image(path)
    return problem is not None and problem[0] in FATAL
