"""check_image: each kind of bad image file, and a good one."""

import numpy as np
from PIL import Image

from ftcl_mm.datasets.image_check import check_image, is_unreadable


def _jpeg(path, mode='RGB'):
    img = Image.fromarray(
        np.random.default_rng(0).integers(0, 255, (32, 32, 3), np.uint8)
    )
    img.convert(mode).save(path, format='JPEG')
    return str(path)


def test_good_and_bad_images(tmp_path):
    good = _jpeg(tmp_path / 'good.jpg')
    assert check_image(good) is None and not is_unreadable(good)

    truncated = _jpeg(tmp_path / 'truncated.jpg')
    with open(truncated, 'r+b') as f:
        f.truncate(200)
    empty = tmp_path / 'empty.jpg'
    empty.write_bytes(b'')
    text = tmp_path / 'text.jpg'
    text.write_text('not an image')
    cases = {
        str(tmp_path / 'missing.jpg'): 'missing',
        str(empty): 'empty',
        truncated: 'unreadable',
        str(text): 'unreadable',
    }
    for path, kind in cases.items():
        assert check_image(path)[0] == kind, path
        assert is_unreadable(path)

    for mode in ('CMYK', 'L'):
        odd = _jpeg(tmp_path / f'{mode}.jpg', mode)
        assert check_image(odd) == ('mode', f'{mode} (expected RGB)')
        assert not is_unreadable(odd)  # decoders convert these


def test_end_marker_check_agrees_with_the_full_check(tmp_path):
    from ftcl_mm.datasets.image_check import (
        loaded_but_unreadable,
        looks_truncated,
    )

    good = _jpeg(tmp_path / 'good.jpg')
    png = str(tmp_path / 'good.png')
    Image.open(good).save(png)
    padded = _jpeg(tmp_path / 'padded.jpg')  # 200 bytes after FF D9
    with open(padded, 'ab') as f:
        f.write(b'\0' * 200)
    for path in (good, png):
        assert not looks_truncated(path) and not loaded_but_unreadable(path)
    # Suspicious by its tail, but complete: the full check clears it.
    assert looks_truncated(padded) and not loaded_but_unreadable(padded)
    assert check_image(padded) is None
    for path in (good, png):
        cut = str(tmp_path / ('cut_' + path.rsplit('/', 1)[-1]))
        with open(path, 'rb') as src, open(cut, 'wb') as dst:
            data = src.read()
            dst.write(data[: len(data) - 50])
        assert looks_truncated(cut) and loaded_but_unreadable(cut)
        assert is_unreadable(cut)  # what tools/check_data.py reports


def test_a_gif_is_unreadable_for_training(tmp_path):
    """PIL reads a palette GIF, cv2 (mmcv's decoder in training) does not:
    check_data and the skipping loader must call it unreadable, not odd."""
    import numpy as np
    from PIL import Image

    path = str(tmp_path / 'a.gif')
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).convert('P').save(path)
    kind, detail = check_image(path)
    assert kind == 'unreadable' and 'cannot decode this GIF' in detail
    assert is_unreadable(path)
