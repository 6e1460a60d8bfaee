# CPU-size BYOL + positive FT on the demo data.
_base_ = ['byol_demo.py', '../../_base_/ft_default.py']

model = dict(type='BYOLFT', ft=_base_.ft_pos)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
