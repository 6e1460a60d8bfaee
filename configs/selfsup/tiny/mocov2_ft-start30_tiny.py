# FT from a fixed epoch 30 (of the fair test's 60): the non-adaptive
# control of mocov2_ft-gate_tiny.py.
_base_ = 'mocov2_ft_tiny.py'

custom_hooks = [
    dict(_base_.custom_hooks[0], start_epoch=30),
    *_base_.custom_hooks[1:],
]
