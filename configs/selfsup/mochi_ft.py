# MoCHi(1024, 512, 256) and Feature Transformation together (pos + neg,
# the paper's alphas), to compare MoCHi vs FT vs both on equal footing.
_base_ = ['mochi.py', '../_base_/ft_default.py']

model = dict(ft=_base_.ft_both)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
