# Bounded positive extrapolation: lambda in [1, 1.5] (SynCo's range;
# the paper's 1 + Beta is [1, 2]), from step 0. The mean penalty on the
# positive score falls from 1.6 (1 - S) to 0.65 (1 - S).
_base_ = 'mocov2_ft_tiny.py'

model = dict(ft=dict(pos_lambda_max=1.5))
