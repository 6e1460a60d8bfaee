# mocov2_tiny.py + Feature Transformation: negative interpolation only.
_base_ = ['mocov2_tiny.py', '../../_base_/ft_default.py']

model = dict(type='MoCoFT', ft=_base_.ft_neg)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
