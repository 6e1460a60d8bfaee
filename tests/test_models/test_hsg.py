"""Hard Sample Generation: optimizer groups, adversarial sign, schedule."""

import copy
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.model import revert_sync_batchnorm
from mmengine.optim import OptimWrapperDict
from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
from mmpretrain.structures import DataSample

import ftcl_mm  # noqa: F401

from ..conftest import ROOT

pytestmark = pytest.mark.usefixtures('mmpretrain_scope')

CONFIGS = ['hsg_simclr_demo', 'hsg_mocov2_demo']


def _setup(name, lr_scale=None):
    cfg = Config.fromfile(osp.join(ROOT, 'configs/selfsup/demo', f'{name}.py'))
    cfg.model.setdefault('data_preprocessor', cfg.data_preprocessor)
    torch.manual_seed(0)
    model = revert_sync_batchnorm(MODELS.build(cfg.model)).train()
    ow_cfg = copy.deepcopy(cfg.optim_wrapper.to_dict())
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type=ow_cfg.pop('constructor'),
            paramwise_cfg=ow_cfg.pop('paramwise_cfg', None),
            optim_wrapper_cfg=ow_cfg,
        )
    )
    for group, scale in (lr_scale or {}).items():
        constructor.cfgs[group]['optimizer']['lr'] *= scale
    return model, constructor(model)


def _batch(n=4, size=64):
    g = torch.Generator().manual_seed(0)
    views = [
        torch.randint(
            0, 256, (n, 3, size, size), generator=g, dtype=torch.uint8
        )
        for _ in range(2)
    ]
    return dict(inputs=views, data_samples=[DataSample() for _ in range(n)])


def _params(model, group):
    return {
        f'{m}.{k}': p
        for m in model.optim_groups()[group]
        for k, p in getattr(model, m).named_parameters()
        if p.requires_grad
    }


@pytest.mark.parametrize('name', CONFIGS)
def test_groups_partition_the_trainable_parameters(name):
    model, ow = _setup(name)
    assert isinstance(ow, OptimWrapperDict)
    assert set(ow.keys()) == {'encoder', 'generator', 'discriminator'}
    owned = {}
    for group in ow.keys():
        ids = {
            id(p)
            for g in ow[group].optimizer.param_groups
            for p in g['params']
            if p.requires_grad
        }
        assert ids == {id(p) for p in _params(model, group).values()}
        for i in ids:
            assert i not in owned, 'a parameter in two optimizers'
            owned[i] = group
    trainable = {id(p) for p in model.parameters() if p.requires_grad}
    assert set(owned) == trainable
    assert model.optim_groups()['generator'] == ['generator', 'pair_generator']


def test_encoder_group_inherits_the_method_optimizer():
    # hsg_simclr_demo keeps simclr_demo's LARS and its paramwise rules.
    _, ow = _setup('hsg_simclr_demo')
    assert type(ow['encoder'].optimizer).__name__ == 'LARS'
    assert type(ow['generator'].optimizer).__name__ == 'Adam'
    no_decay = [
        g
        for g in ow['encoder'].optimizer.param_groups
        if g['weight_decay'] == 0
    ]
    assert no_decay  # SimCLR's bn/bias rules reached the encoder group


@pytest.mark.parametrize('name', CONFIGS)
@pytest.mark.parametrize('active', ['encoder', 'generator', 'discriminator'])
def test_each_optimizer_updates_only_its_parameters(name, active):
    # lr 0 for the other two groups: only the active group may change.
    model, ow = _setup(
        name,
        {
            g: 0.0
            for g in ('encoder', 'generator', 'discriminator')
            if g != active
        },
    )
    before = {
        g: {k: p.detach().clone() for k, p in _params(model, g).items()}
        for g in ow.keys()
    }
    log = model.train_step(_batch(), ow)
    assert torch.isfinite(log['loss'])
    for group, params in before.items():
        now = _params(model, group)
        changed = [k for k, v in params.items() if not torch.equal(v, now[k])]
        if group == active:
            assert len(changed) > len(params) // 2, f'{group} not updated'
        else:
            assert not changed, f'{group} changed: {changed[:3]}'


@pytest.mark.parametrize('name', CONFIGS)
def test_generator_step_raises_the_encoder_loss_on_its_samples(name):
    model, _ = _setup(name)
    model.adv_weight = 0.0  # the hardness reward alone
    real = [
        model.data_preprocessor(_batch(), True)['inputs'][i] for i in range(2)
    ]

    def reward():
        z_gen = torch.Generator().manual_seed(3)
        fake = model.generate(0.8, real[0].device, generator=z_gen)
        views = model.generated_views(fake, torch.Generator().manual_seed(4))
        return model.generator_reward(real, views)

    params = list(model.group_modules('generator').parameters())
    with model.frozen(list(model.group_modules('encoder').values())):
        before = reward()
        (-model.hard_weight * before).backward()
    assert all(p.grad is not None for p in params)
    assert not any(p.grad is not None for p in model.backbone.parameters())
    # A small SGD step on the generator loss: to first order the reward
    # grows by lr * |grad|^2 (0.05 here).
    sq_norm = sum(float((p.grad**2).sum()) for p in params)
    torch.optim.SGD(params, lr=0.05 / sq_norm).step()
    with torch.no_grad():
        after = reward()
    assert 0.02 < float(after - before.detach()) < 0.1


def test_similarity_follows_the_schedule():
    model, ow = _setup('hsg_simclr_demo')
    hub = MessageHub.get_current_instance()
    try:
        for it, expected in ((0, 1.0), (50, 0.75), (100, 0.5)):
            hub.update_info('iter', it)
            hub.update_info('max_iters', 100)
            assert model.current_similarity() == pytest.approx(expected)
        hub.update_info('iter', 25)
        log = model.train_step(_batch(), ow)
        assert float(log['pair_rho']) == pytest.approx(0.875)
        assert -1 <= float(log['pair_sim']) <= 1
    finally:
        hub.update_info('iter', 0)
        hub.update_info('max_iters', None)


def test_clear_errors():
    model, ow = _setup('hsg_simclr_demo')
    with pytest.raises(TypeError, match='three optimizers'):
        model.train_step(_batch(), ow['encoder'])
    with pytest.raises(ValueError, match='out_size=64 must match'):
        model.train_step(_batch(size=32), ow)
    with pytest.raises(ValueError, match='missing'):
        OPTIM_WRAPPER_CONSTRUCTORS.build(
            dict(
                type='HSGOptimWrapperConstructor',
                optim_wrapper_cfg=dict(encoder={}, generator={}),
            )
        )
    with pytest.raises(ValueError, match='unknown optim_wrapper keys'):
        OPTIM_WRAPPER_CONSTRUCTORS.build(
            dict(
                type='HSGOptimWrapperConstructor',
                optim_wrapper_cfg=dict(
                    encoder={}, generator={}, discriminator={}, optimizer={}
                ),
            )
        )
    with pytest.raises(ValueError, match='num_single'):
        cfg = Config.fromfile(
            osp.join(ROOT, 'configs/selfsup/demo', 'hsg_simclr_demo.py')
        )
        cfg.model.num_single = cfg.model.num_pairs = 0
        MODELS.build(cfg.model)
