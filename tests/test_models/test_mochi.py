"""MoCHi: synthetic hard negatives on known tensors and in the model."""

import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.model import revert_sync_batchnorm
from mmpretrain.registry import MODELS

import ftcl_mm  # noqa: F401
from ftcl_mm.models import mix_hard_negatives

from ..conftest import ROOT

pytestmark = pytest.mark.usefixtures('mmpretrain_scope')


def _unit(*shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return F.normalize(torch.randn(*shape, generator=g), dim=-1)


def test_synthetic_negatives_are_unit_detached_and_harder():
    q = _unit(8, 16).requires_grad_()
    negatives = _unit(256, 16, seed=1)
    out = mix_hard_negatives(
        q,
        negatives,
        num_hard=32,
        num_mix=20,
        num_query_mix=10,
        generator=torch.Generator().manual_seed(0),
    )
    assert out.shape == (8, 30, 16)
    assert not out.requires_grad and out.grad_fn is None
    torch.testing.assert_close(out.norm(dim=2), torch.ones(8, 30))
    scores = torch.einsum('bd,bsd->bs', q.detach(), out)
    random_scores = q.detach() @ negatives.t()
    # Harder than a random queue negative on average, for both kinds.
    assert scores[:, :20].mean() > random_scores.mean() + 0.2
    assert scores[:, 20:].mean() > scores[:, :20].mean()


def test_mixes_come_from_the_hardest_negatives_only():
    q = _unit(4, 8)
    negatives = _unit(64, 8, seed=2)
    hardest = negatives[(q @ negatives.t()).argmax(1)]  # 4 x 8
    out = mix_hard_negatives(
        q,
        negatives,
        num_hard=1,
        num_mix=3,
        num_query_mix=5,
        generator=torch.Generator().manual_seed(0),
    )
    # N=1: a mix of the hardest negative with itself is that negative ...
    torch.testing.assert_close(
        out[:, :3], hardest.unsqueeze(1).expand(4, 3, 8)
    )
    # ... and a query mix (beta <= 0.5) is at least as close to q.
    top = (q * hardest).sum(1, keepdim=True)
    s_prime = torch.einsum('bd,bsd->bs', q, out[:, 3:])
    assert (s_prime >= top - 1e-6).all()
    assert (s_prime < 1).all()  # beta < 0.5 never reaches the query


def _model(cfg='mochi_demo', **over):
    cfg = Config.fromfile(osp.join(ROOT, 'configs/selfsup/demo', f'{cfg}.py'))
    cfg.model.update(over)
    torch.manual_seed(0)
    return revert_sync_batchnorm(MODELS.build(cfg.model)).train()


def _views(n=4, size=32):
    g = torch.Generator().manual_seed(0)
    return [torch.randn(n, 3, size, size, generator=g) for _ in range(2)]


def _capture_logits(model):
    seen = {}
    head_loss = model.head.loss

    def spy(pos, neg):
        seen['pos'], seen['neg'] = pos, neg
        return head_loss(pos, neg)

    model.head.loss = spy
    return seen


def test_model_appends_per_query_negatives_never_enqueued():
    model = _model(warmup_epochs=0)
    seen = _capture_logits(model)
    queue0 = model.queue.clone()
    loss = model.loss(_views(), None)['loss']
    k, s = model.queue_len, model.num_mix + model.num_query_mix
    assert seen['neg'].shape == (4, k + s)
    # Only the batch's 4 keys entered the queue; the pointer moved by 4.
    assert int(model.queue_ptr) == 4
    assert torch.equal(model.queue[:, 4:], queue0[:, 4:])
    assert torch.allclose(model.queue[:, :4].norm(dim=0), torch.ones(4))
    # The synthetic logits are the hardest negatives of each query.
    assert seen['neg'][:, k:].mean() > seen['neg'][:, :k].mean()
    loss.backward()
    assert all(p.grad is not None for p in model.backbone.parameters())


def test_warmup_trains_plain_moco_first():
    model = _model(warmup_epochs=2)
    seen = _capture_logits(model)
    hub = MessageHub.get_current_instance()
    hub.update_info('epoch', 1)
    try:
        model.loss(_views(), None)
        assert seen['neg'].shape[1] == model.queue_len
        hub.update_info('epoch', 2)
        model.loss(_views(), None)
        assert seen['neg'].shape[1] > model.queue_len
    finally:
        hub.update_info('epoch', 0)


def test_with_feature_transform():
    model = _model('mochi_ft_demo', warmup_epochs=0)
    seen = _capture_logits(model)
    loss = model.loss(_views(), None)['loss']
    assert torch.isfinite(loss)
    assert seen['neg'].shape[1] == model.queue_len + 48
    assert model.ft.last_lambdas  # FT drew lambdas in the same step


@pytest.mark.parametrize(
    'bad', [dict(num_hard=0), dict(num_mix=-1), dict(warmup_epochs=-1)]
)
def test_rejects_invalid_options(bad):
    with pytest.raises(ValueError):
        _model(**bad)
