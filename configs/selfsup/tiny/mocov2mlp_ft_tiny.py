# mocov2mlp_tiny.py + the paper's FT (positive extrapolation and negative
# interpolation, alphas 2.0 / 1.6) from step 0: FT where the scores start
# high, as in the paper.
_base_ = ['mocov2mlp_tiny.py', '../../_base_/ft_default.py']

model = dict(type='MoCoFT', ft=_base_.ft_both)
custom_hooks = [_base_.ft_hook, *_base_.custom_hooks]
