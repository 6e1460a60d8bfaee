# Issue "FT under the paper's own ablations", T6 (when FT starts):
# mocov2_ft_tiny.py with FT switched on at epoch 10 of 20 (paper: epoch
# 0 / 2 / 30 / 50 / 80 of 200).
_base_ = 'mocov2_ft_tiny.py'

custom_hooks = [
    dict(_base_.custom_hooks[0], start_epoch=10),
    *_base_.custom_hooks[1:],
]
