# Premise-gated FT for SimCLR: simclr_ft_tiny.py with FT from the first
# epoch after one whose mean unmixed positive score reached 0.6.
_base_ = 'simclr_ft_tiny.py'

custom_hooks = [
    dict(_base_.custom_hooks[0], gate_pos_score=0.6),
    *_base_.custom_hooks[1:],
]
