# byol_tiny.py + positive Feature Transformation on the online-prediction /
# target pair (no negatives), the paper's alpha 2.0.
_base_ = ['byol_tiny.py', '../../_base_/ft_default.py']

model = dict(type='BYOLFT', ft=_base_.ft_pos)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
