# CPU-size SimCLR + FT (pos + neg) on the demo data.
_base_ = ['simclr_demo.py', '../../_base_/ft_default.py']

model = dict(type='SimCLRFT', ft=_base_.ft_both)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
