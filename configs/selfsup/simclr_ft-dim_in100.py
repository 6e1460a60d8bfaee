# SimCLR + FT with dimension-level mixing on ImageNet-100 (paper: 78.81).
_base_ = ['simclr_in100.py', '../_base_/ft_default.py']

model = dict(type='SimCLRFT', ft=_base_.ft_dim)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
