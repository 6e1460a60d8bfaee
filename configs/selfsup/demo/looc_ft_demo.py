# CPU-size LooC + FT on the demo data.
_base_ = ['looc_demo.py', '../../_base_/ft_default.py']

model = dict(ft=_base_.ft_both)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
