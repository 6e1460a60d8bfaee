# BYOL + positive Feature Transformation on the online-prediction/target
# pair (no negatives). Not in the paper's tables; same recipe as SimSiam+FT.
_base_ = ['byol.py', '../_base_/ft_default.py']

model = dict(type='BYOLFT', ft=_base_.ft_pos)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
