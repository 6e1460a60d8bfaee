"""LooC / LooC++: positive masks, per-space queues and the loss."""

import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.model import revert_sync_batchnorm
from mmpretrain.registry import MODELS

import ftcl_mm  # noqa: F401
from ftcl_mm.models.algorithms.looc import positive_masks

from ..conftest import ROOT

pytestmark = pytest.mark.usefixtures('mmpretrain_scope')

B = 4


def _model(cfg='looc_demo', **over):
    cfg = Config.fromfile(osp.join(ROOT, 'configs/selfsup/demo', f'{cfg}.py'))
    for key, value in over.items():
        cfg.model[key] = value
    torch.manual_seed(0)
    return revert_sync_batchnorm(MODELS.build(cfg.model)).train()


def _views(n_views=4, size=32):
    g = torch.Generator().manual_seed(0)
    return [torch.randn(B, 3, size, size, generator=g) for _ in range(n_views)]


def _spy_encode(model):
    seen = {}
    encode = model.encode

    def spy(inputs):
        seen['qs'], seen['ks'] = encode(inputs)
        return seen['qs'], seen['ks']

    model.encode = spy
    return seen


def test_positive_masks():
    expected = torch.tensor([[1, 1, 1], [0, 1, 0], [0, 0, 1]], dtype=bool)
    assert torch.equal(positive_masks(3), expected)


def test_loss_is_mean_infonce_over_spaces_and_positives():
    model = _model()
    seen = _spy_encode(model)
    queue0 = model.queue.clone()
    loss = model.loss(_views(), None)['loss']
    qs, ks = seen['qs'], seen['ks']
    assert len(qs) == 3 and ks[0].shape == (B, 3, 128)
    t = model.head.temperature
    expected = []
    for j in range(3):
        rows = []
        for b in range(B):
            keys = ks[j][b]  # (n+1) x d, views k_0, k_color, k_rot
            queue_scores = qs[j][b] @ queue0[j]
            positives = range(3) if j == 0 else [j]
            for p in positives:
                others = [v for v in range(3) if v not in positives]
                logits = (
                    torch.cat(
                        [qs[j][b] @ keys[[p] + others].t(), queue_scores]
                    )
                    / t
                )
                rows.append(-F.log_softmax(logits, 0)[0])
        expected.append(torch.stack(rows).mean())
    torch.testing.assert_close(loss, torch.stack(expected).mean())
    loss.backward()
    assert all(p.grad is not None for p in model.neck.parameters())


def test_each_space_has_its_own_queue():
    model = _model()
    seen = _spy_encode(model)
    queue0 = model.queue.clone()
    model.loss(_views(), None)
    ks = seen['ks']
    assert model.queue.shape == (3, 128, model.queue_len)
    assert int(model.queue_ptr) == B
    for j in range(3):
        # Space j stores the space-j embedding of key k_j.
        torch.testing.assert_close(model.queue[j, :, :B], ks[j][:, j].t())
        assert torch.equal(model.queue[j, :, B:], queue0[j, :, B:])
    assert not torch.allclose(model.queue[1, :, :B], model.queue[2, :, :B])


def test_feature_transform_in_every_space():
    model = _model('looc_ft_demo')
    loss = model.loss(_views(), None)['loss']
    assert torch.isfinite(loss)
    model.ft.enabled = False
    model.ft.step = 0
    assert not torch.equal(model.loss(_views(), None)['loss'], loss)


def test_looc_pp_representation_concatenates_spaces():
    model = _model('loocpp_demo').eval()
    x = torch.randn(2, 3, 32, 32)
    feat = model.extract_feat(x)[0]
    assert feat.shape == (2, 3 * 128)
    torch.testing.assert_close(
        feat.view(2, 3, 128).norm(dim=2), torch.ones(2, 3)
    )
    backbone = _model('looc_demo').eval().extract_feat(x)
    assert backbone[-1].shape == (2, 512, 1, 1)


def test_clear_errors():
    model = _model()
    with pytest.raises(ValueError, match='needs 4 views'):
        model.loss(_views(n_views=2), None)
    with pytest.raises(TypeError, match='LooCNeck'):
        _model(
            neck=dict(
                type='MoCoV2Neck',
                in_channels=512,
                hid_channels=512,
                out_channels=128,
            )
        )
