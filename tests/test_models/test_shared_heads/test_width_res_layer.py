"""WidthResLayer: mmdet's C4 shared head at any ResNet width."""

import torch
from mmdet.models.roi_heads.shared_heads import ResLayer

from ftcl_mm.models.shared_heads import WidthResLayer


def _shapes(module):
    return {k: tuple(v.shape) for k, v in module.state_dict().items()}


def test_default_width_is_mmdets_head():
    assert _shapes(WidthResLayer(18)) == _shapes(ResLayer(18))
    assert _shapes(WidthResLayer(50)) == _shapes(ResLayer(50))


def test_narrow_head_takes_narrow_c4_features():
    head = WidthResLayer(18, base_channels=16)
    head.eval()  # (mmdet's ResLayer.train returns None)
    out = head(torch.randn(2, 64, 7, 7))  # C4 of R18 width 16: 16 * 4
    assert out.shape == (2, 128, 4, 4)
    # Same key names as the backbone's stage 4 (converted checkpoints load).
    assert all(k.startswith('layer4.') for k in head.state_dict())


def test_registered_in_mmdet():
    from mmdet.registry import MODELS
    from mmengine.registry import DefaultScope

    assert MODELS.get('WidthResLayer') is WidthResLayer
    # As a detection config builds it (default scope mmdet, whatever scope
    # earlier code set).
    with DefaultScope.overwrite_default_scope('mmdet'):
        head = MODELS.build(
            dict(type='WidthResLayer', depth=18, base_channels=16)
        )
    assert isinstance(head, WidthResLayer)
