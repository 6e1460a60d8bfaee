# Paper ablation on ImageNet-100: mocov2 + FT with only the 'neg' setting
# (pos: extrapolation only; neg: interpolation only; dim: both with
# dimension-level mixing). The paper's numbers:
# docs/feature_transform.md.
_base_ = ['mocov2_in100.py', '../_base_/ft_default.py']

model = dict(type='MoCoFT', ft=_base_.ft_neg)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
