# SimCLR + FT on ImageNet-100 with extrapolation only (paper: 75.80).
_base_ = ['simclr_in100.py', '../_base_/ft_default.py']

model = dict(type='SimCLRFT', ft=_base_.ft_pos)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
