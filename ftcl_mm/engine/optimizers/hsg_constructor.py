"""Three optimizers for Hard Sample Generation: encoder, generators,
discriminator."""
import copy

from mmengine.model import is_model_wrapper
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapperDict
from mmpretrain.registry import OPTIM_WRAPPER_CONSTRUCTORS

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

    Example::

        optim_wrapper = dict(
            constructor='HSGOptimWrapperConstructor',
            encoder=dict(type='OptimWrapper', optimizer=dict(type='LARS',
                         lr=0.3, momentum=0.9, weight_decay=1e-6)),
            generator=dict(type='OptimWrapper', optimizer=dict(
                type='Adam', lr=2e-4, betas=(0.5, 0.999))),
            discriminator=dict(type='OptimWrapper', optimizer=dict(
                type='Adam', lr=2e-4, betas=(0.5, 0.999))))
    """

    def __init__(self, optim_wrapper_cfg: dict,
                 paramwise_cfg: dict = None) -> None:
        missing = [g for g in GROUPS if g not in optim_wrapper_cfg]
        if missing:
            raise ValueError(f'HSGOptimWrapperConstructor: optim_wrapper '
                             f'needs the keys {GROUPS}; missing {missing}')
        extra = sorted(set(optim_wrapper_cfg) - set(GROUPS))
        if extra:
            raise ValueError(f'HSGOptimWrapperConstructor: unknown '
                             f'optim_wrapper keys {extra}; use {GROUPS}')
        if paramwise_cfg:
            raise ValueError('put paramwise_cfg inside each group '
                             '(e.g. optim_wrapper.encoder.paramwise_cfg)')
        self.cfgs = copy.deepcopy(dict(optim_wrapper_cfg))

    def __call__(self, model) -> OptimWrapperDict:
        model = model.module if is_model_wrapper(model) else model
        if not hasattr(model, 'group_modules'):
            raise TypeError(f'{type(model).__name__} has no optimizer groups; '
                            'HSGOptimWrapperConstructor is for the Hard '
                            'Sample Generation algorithms (HSGSimCLR, HSGMoCo)')
        wrappers = {}
        for group in GROUPS:
            cfg = copy.deepcopy(self.cfgs[group])
            paramwise = cfg.pop('paramwise_cfg', None)
            wrappers[group] = DefaultOptimWrapperConstructor(
                cfg, paramwise)(model.group_modules(group))
        return OptimWrapperDict(**wrappers)
