"""SkippedImagesHook: each unreadable image counted once per epoch."""

import logging
from types import SimpleNamespace

import ftcl_mm  # noqa: F401
from ftcl_mm.engine.hooks import SkippedImagesHook


def test_counts_each_image_once_per_epoch(tmp_path, caplog):
    log, out = tmp_path / 'skipped_images.log', tmp_path / 'skipped.txt'
    # Epoch 0: a.jpg failed twice (as itself and as a replacement), b.jpg
    # and c.jpg once; the last line was torn by a crash.
    log.write_text('0\ta.jpg\n0\tb.jpg\n0\ta.jpg\n0\tc.jpg\n1\ta.jpg\n1\ta')
    hook = SkippedImagesHook(log=str(log), out=str(out))
    logger = logging.getLogger('test_skipped_images_hook')
    with caplog.at_level(logging.WARNING, logger=logger.name):
        hook.after_train_epoch(SimpleNamespace(epoch=0, logger=logger))
    assert 'epoch 1: skipped 3 unreadable training images' in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger=logger.name):
        hook.after_train_epoch(SimpleNamespace(epoch=2, logger=logger))
    assert caplog.text == ''  # nothing skipped in that epoch
    assert out.read_text() == '0\ta.jpg\n0\tb.jpg\n0\tc.jpg\n1\ta.jpg\n'
