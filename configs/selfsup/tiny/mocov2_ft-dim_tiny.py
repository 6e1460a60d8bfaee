# mocov2_tiny.py + Feature Transformation: both, with dimension-level
# mixing (Table 7).
_base_ = ['mocov2_tiny.py', '../../_base_/ft_default.py']

model = dict(type='MoCoFT', ft=_base_.ft_dim)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
