# T3 (sign of the positive mix): mocov2_ft-pos_tiny.py with the positives
# *interpolated*, lam ~ Beta(2, 2) in (0, 1) (easier positives), instead of
# extrapolated with 1 + Beta(2, 2).
_base_ = 'mocov2_ft-pos_tiny.py'

model = dict(ft=dict(pos_mode='interpolate'))
