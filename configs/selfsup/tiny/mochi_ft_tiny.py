# mochi_tiny.py + Feature Transformation (pos + neg, the paper's alphas):
# MoCHi vs FT vs both on equal footing.
_base_ = ['mochi_tiny.py', '../../_base_/ft_default.py']

model = dict(ft=_base_.ft_both)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
