# FT with the mixed features re-normalised onto the unit sphere (the
# official code's postmix_norm, off in the paper's commands), from step 0.
_base_ = 'mocov2_ft_tiny.py'

model = dict(ft=dict(renorm=True))
