# CPU-size SimSiam + positive FT on the demo data.
_base_ = ['simsiam_demo.py', '../../_base_/ft_default.py']

model = dict(type='SimSiamFT', ft=_base_.ft_pos)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
