# looc_tiny.py + Feature Transformation in every embedding space (pos + neg,
# the paper's alphas).
_base_ = ['looc_tiny.py', '../../_base_/ft_default.py']

model = dict(ft=_base_.ft_both)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
