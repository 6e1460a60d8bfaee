# simsiam_tiny.py + positive Feature Transformation on the prediction /
# target pair (SimSiam has no negatives), the paper's alpha 2.0.
_base_ = ['simsiam_tiny.py', '../../_base_/ft_default.py']

model = dict(type='SimSiamFT', ft=_base_.ft_pos)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
