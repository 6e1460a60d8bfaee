# mocov1_tiny.py + Feature Transformation: positive extrapolation and
# negative interpolation with the paper's alphas (2.0 / 1.6), from epoch 0.
_base_ = ['mocov1_tiny.py', '../../_base_/ft_default.py']

model = dict(type='MoCoFT', ft=_base_.ft_both)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
