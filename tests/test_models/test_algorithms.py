"""FT algorithms against their mmpretrain parents and the FT maths."""

import copy
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.model import revert_sync_batchnorm
from mmpretrain.registry import MODELS

import ftcl_mm  # noqa: F401

from ..conftest import ROOT

METHODS = ['mocov1', 'mocov2', 'simclr', 'simsiam', 'byol']


def _build(cfg_name: str, seed: int = 0, model_type: str = None):
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/selfsup/demo', f'{cfg_name}.py')
    )
    if model_type:
        cfg.model.type = model_type
    torch.manual_seed(seed)
    return revert_sync_batchnorm(MODELS.build(cfg.model)).train()


def _views(n=4, size=32, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(n, 3, size, size, generator=g) for _ in range(2)]


@pytest.mark.parametrize('method', METHODS)
def test_ft_off_equals_parent(method):
    ft_model = _build(f'{method}_ft_demo')
    ft_model.ft.enabled = False
    # The mmpretrain class the FT algorithm extends, e.g. MoCo for MoCoFT.
    parent_cls = next(
        c
        for c in type(ft_model).__mro__
        if c.__module__.startswith('mmpretrain.')
    )
    parent = _build(f'{method}_demo', model_type=parent_cls.__name__)
    missing, unexpected = parent.load_state_dict(
        ft_model.state_dict(), strict=False
    )
    assert not missing and unexpected == ['ft.rng_state']
    inputs = _views()
    torch.manual_seed(1)
    loss_ft = ft_model.loss(inputs, None)['loss']
    torch.manual_seed(1)
    loss_parent = parent.loss(inputs, None)['loss']
    assert torch.equal(loss_ft, loss_parent)


@pytest.mark.parametrize('method', METHODS)
def test_ft_on_changes_loss_and_trains(method):
    model = _build(f'{method}_ft_demo')
    off = copy.deepcopy(model)
    off.ft.enabled = False
    inputs = _views()
    torch.manual_seed(1)
    loss_on = model.loss(inputs, None)['loss']
    torch.manual_seed(1)
    loss_off = off.loss(inputs, None)['loss']
    assert torch.isfinite(loss_on) and not torch.equal(loss_on, loss_off)
    loss_on.backward()
    grads = [p.grad for p in model.backbone.parameters()]
    assert all(g is not None for g in grads)


@pytest.mark.parametrize('method', METHODS)
def test_train_step_advances_ft_step_once(method):
    from mmengine.optim import OptimWrapper
    from mmpretrain.structures import DataSample

    model = _build(f'{method}_ft_demo')
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    g = torch.Generator().manual_seed(0)
    data = dict(
        inputs=[
            torch.randint(
                0, 256, (4, 3, 32, 32), generator=g, dtype=torch.uint8
            )
            for _ in range(2)
        ],
        data_samples=[DataSample() for _ in range(4)],
    )
    model.loss(_views(), None)
    assert model.ft.step == 0  # a loss alone (e.g. HSG's reward) no step
    hub = MessageHub.get_current_instance()
    hub.update_info('max_iters', 10)  # BYOL's EMA schedule reads it
    try:
        model.train_step(data, wrapper)
        model.train_step(data, wrapper)
    finally:
        hub.runtime_info.pop('max_iters', None)
    assert model.ft.step == 2


def test_moco_queue_and_keys_get_no_gradient_and_stay_unmixed():
    model = _build('mocov2_ft_demo')
    model.ft.granularity = 'dim'
    queue_before = model.queue.clone()
    captured = {}
    enqueue = model._dequeue_and_enqueue

    def spy(keys):
        captured['keys'] = keys
        enqueue(keys)

    model._dequeue_and_enqueue = spy
    loss = model.loss(_views(n=4), None)['loss']
    loss.backward()
    keys = captured['keys']
    assert not keys.requires_grad and keys.grad_fn is None
    assert not model.queue.requires_grad and model.queue.grad is None
    assert all(p.grad is None for p in model.encoder_k.parameters())
    # The enqueued keys are the original unit-norm keys (a mix or an
    # extrapolation would not have unit norm) ...
    torch.testing.assert_close(keys.norm(dim=1), torch.ones(4))
    torch.testing.assert_close(model.queue[:, :4], keys.t())
    # ... and the rest of the queue was not touched by the mixing.
    assert torch.equal(model.queue[:, 4:], queue_before[:, 4:])
    assert model.ft.last_lambdas['neg'].shape == model.queue.shape


def test_simclr_ft_positive_matches_reference():
    model = _build('simclr_ft_demo')
    model.ft.neg = False
    inputs = _views(n=3)
    loss = model.loss(inputs, None)['loss']
    lam = model.ft.last_lambdas['pos'].item()
    # Independent reference: interleaved views, per-anchor InfoNCE.
    x = torch.stack(inputs, 1).reshape(6, 3, 32, 32)
    z = model.neck(model.backbone(x))[0]
    z = z / (z.norm(dim=1, keepdim=True) + 1e-10)
    z_hat = z.clone()
    for i in range(3):
        a, b = z[2 * i], z[2 * i + 1]
        z_hat[2 * i] = lam * a + (1 - lam) * b
        z_hat[2 * i + 1] = lam * b + (1 - lam) * a
    tau = model.head.temperature
    ref = 0
    for a in range(6):
        p = a ^ 1
        negs = [j for j in range(6) if j // 2 != a // 2]
        logits = (
            torch.cat(
                [(z_hat[a] * z_hat[p]).sum().view(1), z_hat[a] @ z[negs].t()]
            )
            / tau
        )
        ref = ref - F.log_softmax(logits, 0)[0]
    torch.testing.assert_close(loss, ref / 6, rtol=1e-4, atol=1e-5)


def test_simclr_ft_detached_partner():
    inputs = _views(n=3)
    losses, lams, grads = [], [], []
    for detach in (False, True):
        model = _build('simclr_ft_demo')  # same weights, same FT stream
        model.ft.neg = False
        model.detach_partner = detach
        loss = model.loss(inputs, None)['loss']
        loss.backward()
        losses.append(loss.detach())
        lams.append(model.ft.last_lambdas['pos'])
        grads.append(
            torch.cat([p.grad.flatten() for p in model.neck.parameters()])
        )
    # One lambda, the same value (detaching changes gradients only) ...
    torch.testing.assert_close(lams[0], lams[1])
    torch.testing.assert_close(losses[0], losses[1])
    # ... and other gradients: the partner's term no longer flows.
    assert not torch.allclose(grads[0], grads[1])
    with pytest.raises(ValueError, match='detach_partner'):
        MODELS.build(dict(type='SimCLRFT', detach_partner='yes', **_cfg()))


def _cfg():
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/selfsup/demo', 'simclr_ft_demo.py')
    )
    return {k: v for k, v in cfg.model.items() if k != 'type'}


def test_simclr_ft_negatives_exclude_anchor_pair():
    model = _build('simclr_ft_demo')
    model.ft.pos = False
    model.ft.granularity = 'dim'  # materialises the negative features
    seen = {}
    orig = model.ft.interpolate_negatives

    def spy(z, sample_dim=0, **kw):
        seen['z'] = z
        return orig(z, sample_dim=sample_dim, **kw)

    model.ft.interpolate_negatives = spy
    model.loss(_views(n=3), None)
    negs = seen['z']  # (2N, 2N-2, d): per-anchor negative features
    assert negs.shape[:2] == (6, 4)
    x = torch.stack(_views(n=3), 1).reshape(6, 3, 32, 32)
    z = model.neck(model.backbone(x))[0]
    z = z / (z.norm(dim=1, keepdim=True) + 1e-10)
    for a in range(6):
        d = torch.cdist(negs[a], z)  # which originals are the negatives
        idx = set(d.argmin(1).tolist())
        assert idx == {j for j in range(6) if j // 2 != a // 2}


@pytest.mark.parametrize('cls_name', ['SimSiamFT', 'BYOLFT'])
def test_no_negative_methods_reject_neg(cls_name):
    name = 'simsiam' if cls_name == 'SimSiamFT' else 'byol'
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/selfsup/demo', f'{name}_ft_demo.py')
    ).model
    cfg.ft.neg = True
    with pytest.raises(ValueError, match='no negatives'):
        MODELS.build(cfg)


def test_moco_symmetric_loss_sums_both_directions_and_enqueues_both_keys():
    model = _build('mocov2_demo', model_type='MoCoFT')
    model.symmetric = True
    ref = copy.deepcopy(model)
    v0, v1 = _views(n=4)
    queue = model.queue.clone()
    steps = int(model.encoder_k.steps)
    loss = model.loss([v0, v1], None)['loss']

    # The CIFAR-10 demo's symmetric loss by hand: one momentum update, then
    # each view's query against the other view's key and the same queue.
    ref.encoder_k.update_parameters(
        torch.nn.Sequential(ref.backbone, ref.neck)
    )

    def q_of(x):
        return F.normalize(ref.neck(ref.backbone(x))[0], dim=1)

    def k_of(x):
        with torch.no_grad():
            return F.normalize(ref.encoder_k(x)[0], dim=1)

    def infonce(q, k):
        logits = torch.cat([(q * k).sum(1, keepdim=True), q @ queue], 1)
        logits = logits / ref.head.temperature
        return F.cross_entropy(logits, torch.zeros(4, dtype=torch.long))

    k0, k1 = k_of(v0), k_of(v1)
    expected = infonce(q_of(v0), k1) + infonce(q_of(v1), k0)
    torch.testing.assert_close(loss, expected)
    assert int(model.encoder_k.steps) == steps + 1  # one update per step
    torch.testing.assert_close(model.queue[:, :8], torch.cat([k0, k1]).t())
    assert torch.equal(model.queue[:, 8:], queue[:, 8:])
    assert int(model.queue_ptr) == 8
    # 2 x 3 keys per step do not tile the 256-key queue: one clear line.
    with pytest.raises(ValueError, match='multiple of that'):
        model.loss(_views(n=3), None)


@pytest.mark.parametrize('name', ['looc_demo', 'hsg_mocov2_demo'])
def test_moco_subclasses_with_their_own_loss_reject_symmetric(name):
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/selfsup/demo', f'{name}.py')
    ).model
    cfg.symmetric = True
    with pytest.raises(ValueError, match='symmetric=False'):
        MODELS.build(cfg)
