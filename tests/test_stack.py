"""The pinned stack imports and its compiled ops run on the CPU."""

import os.path as osp

import torch

from .conftest import ROOT


def test_versions_are_the_pinned_ones():
    """Every package pinned in constraints.txt is installed at its pin."""
    from importlib.metadata import version

    from packaging.requirements import Requirement
    from packaging.version import Version

    with open(osp.join(ROOT, 'constraints.txt')) as f:
        reqs = [
            Requirement(line.strip())
            for line in f
            if line.strip() and not line.startswith('#')
        ]
    assert {'torch', 'mmcv', 'mmengine', 'mmpretrain', 'mmdet'} <= {
        r.name for r in reqs
    }
    for req in reqs:
        installed = Version(version(req.name)).public  # no +cu local tag
        assert req.specifier.contains(installed), (req, installed)


def test_mmcv_roi_align_on_cpu():
    from mmcv.ops import RoIAlign

    feat = torch.arange(16, dtype=torch.float32).view(1, 1, 4, 4)
    # One RoI covering the whole 4x4 map, pooled to 1x1 with aligned
    # sampling: the mean of the bilinear samples equals the map mean.
    rois = torch.tensor([[0.0, 0.0, 0.0, 4.0, 4.0]])
    out = RoIAlign((1, 1), spatial_scale=1.0, sampling_ratio=2, aligned=True)(
        feat, rois
    )
    assert out.shape == (1, 1, 1, 1)
    assert torch.isclose(out.flatten()[0], feat.mean())


def test_mmcv_nms_on_cpu():
    from mmcv.ops import nms

    boxes = torch.tensor(
        [
            [0.0, 0.0, 10.0, 10.0],
            [1.0, 1.0, 10.0, 10.0],
            [20.0, 20.0, 30.0, 30.0],
        ]
    )
    scores = torch.tensor([0.9, 0.8, 0.7])
    dets, keep = nms(boxes, scores, iou_threshold=0.5)
    assert keep.tolist() == [0, 2]
    assert torch.allclose(dets[:, 4], torch.tensor([0.9, 0.7]))


def test_ftcl_mm_registers_into_mm_registries():
    from mmengine.registry import MODEL_WRAPPERS

    import ftcl_mm  # noqa: F401

    assert MODEL_WRAPPERS.get('CPUDistributedDataParallel') is not None
