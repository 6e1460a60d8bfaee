"""Three optimizers for Hard Sample Generation: encoder, generators,
discriminator."""

import copy

from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapperDict
from mmpretrain.registry import OPTIM_WRAPPER_CONSTRUCTORS
from mmpretrain.utils import get_ori_model

GROUPS = ('encoder', 'generator', 'discriminator')


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class HSGOptimWrapperConstructor:
    """Build an ``OptimWrapperDict`` with one optimizer wrapper per group.

    Each group's config is an ordinary optimizer-wrapper config (with its
    own optional ``paramwise_cfg``), built by mmengine's
    ``DefaultOptimWrapperConstructor`` on the group's modules, which the
    model names in ``optim_groups()`` (encoder: backbone, neck, head and,
    for MoCo, the momentum encoder, whose parameters have no gradient;
    generator: the single and the pair generators; discriminator). Every
    parameter belongs to exactly one group.

    The encoder's config is either an ``encoder`` key or, so that an HSG
    config inherits its method's optimizer unchanged, the top-level
    ``type``/``optimizer``/``paramwise_cfg`` of ``optim_wrapper``::

        # in a config whose base defines SimCLR's LARS optim_wrapper
        optim_wrapper = dict(
            constructor='HSGOptimWrapperConstructor',
            generator=dict(type='OptimWrapper', optimizer=dict(
                type='Adam', lr=2e-4, betas=(0.5, 0.999))),
            discriminator=dict(type='OptimWrapper', optimizer=dict(
                type='Adam', lr=2e-4, betas=(0.5, 0.999))))
    """

    def __init__(
        self, optim_wrapper_cfg: dict, paramwise_cfg: dict = None
    ) -> None:
        cfgs = copy.deepcopy(dict(optim_wrapper_cfg))
        groups = {g: cfgs.pop(g) for g in GROUPS if g in cfgs}
        if 'encoder' not in groups and 'optimizer' in cfgs:
            groups['encoder'] = (
                dict(cfgs, paramwise_cfg=paramwise_cfg)
                if paramwise_cfg
                else cfgs
            )
            cfgs, paramwise_cfg = {}, None
        missing = [g for g in GROUPS if g not in groups]
        if missing:
            raise ValueError(
                f'HSGOptimWrapperConstructor: optim_wrapper '
                f'needs the groups {GROUPS} (the encoder may be '
                f'the top-level optimizer); missing {missing}'
            )
        if cfgs or paramwise_cfg:
            raise ValueError(
                f'HSGOptimWrapperConstructor: unknown optim_wrapper keys '
                f'{sorted(cfgs) + (["paramwise_cfg"] * bool(paramwise_cfg))}'
                f' beside an explicit encoder; put them in a group'
            )
        self.cfgs = groups

    def __call__(self, model) -> OptimWrapperDict:
        model = get_ori_model(model)
        if not hasattr(model, 'group_modules'):
            raise TypeError(
                f'{type(model).__name__} has no optimizer groups; '
                'HSGOptimWrapperConstructor is for the Hard '
                'Sample Generation algorithms (HSGSimCLR, HSGMoCo)'
            )
        wrappers = {}
        for group in GROUPS:
            cfg = copy.deepcopy(self.cfgs[group])
            paramwise = cfg.pop('paramwise_cfg', None)
            wrappers[group] = DefaultOptimWrapperConstructor(cfg, paramwise)(
                model.group_modules(group)
            )
        return OptimWrapperDict(**wrappers)
