# simclr_tiny.py + Feature Transformation: both, with dimension-level
# mixing (Table 7).
_base_ = ['simclr_tiny.py', '../../_base_/ft_default.py']

model = dict(type='SimCLRFT', ft=_base_.ft_dim)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
