# MoCo v2 + Feature Transformation (positive extrapolation alpha_ex=2.0 and
# negative interpolation alpha_in=1.6) on ImageNet-1k, R50, 8x32, 200 epochs.
# Paper (IN-1k 200ep linear): 67.5 -> 69.6; VOC AP50 82.4 -> 83.3.
#   tools/dist_train.sh configs/selfsup/mocov2_ft.py 8
_base_ = ['mocov2.py', '../_base_/ft_default.py']

model = dict(type='MoCoFT', ft=_base_.ft_both)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
