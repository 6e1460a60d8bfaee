# SimSiam + positive Feature Transformation on the prediction/target pair
# (no negatives). Paper IN-100: 77.1 -> 77.8.
_base_ = ['simsiam.py', '../_base_/ft_default.py']

model = dict(type='SimSiamFT', ft=_base_.ft_pos)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
