# SimCLR + FT on ImageNet-100 with interpolation only (paper: 76.71).
_base_ = ['simclr_in100.py', '../_base_/ft_default.py']

model = dict(type='SimCLRFT', ft=_base_.ft_neg)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
