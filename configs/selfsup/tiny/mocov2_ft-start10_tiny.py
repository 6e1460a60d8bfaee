# FT from epoch 10 of 20 (paper Table 6 starts at 50 of 100;
# docs/reports/narratives/ft_study/README.md).
_base_ = 'mocov2_ft_tiny.py'

custom_hooks = [
    dict(_base_.custom_hooks[0], start_epoch=10),
    *_base_.custom_hooks[1:],
]
