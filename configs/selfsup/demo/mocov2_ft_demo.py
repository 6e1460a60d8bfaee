# CPU-size MoCo v2 + FT (pos + neg, paper alphas) on the demo data.
_base_ = ['mocov2_demo.py', '../../_base_/ft_default.py']

model = dict(type='MoCoFT', ft=_base_.ft_both)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
