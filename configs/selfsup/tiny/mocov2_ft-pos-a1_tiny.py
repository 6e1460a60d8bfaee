# T2 (alpha_ex): mocov2_ft-pos_tiny.py with alpha_ex = 1.0 (paper: 2.0,
# the 'pos' variant).
_base_ = 'mocov2_ft-pos_tiny.py'

model = dict(ft=dict(pos_alpha=1.0))
