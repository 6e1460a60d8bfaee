# T4 (alpha_in): mocov2_ft-neg_tiny.py with alpha_in = 1.0 (paper: 1.6,
# the 'neg' variant).
_base_ = 'mocov2_ft-neg_tiny.py'

model = dict(ft=dict(neg_alpha=1.0))
