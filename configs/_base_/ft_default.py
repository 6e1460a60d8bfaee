# Feature Transformation settings of the paper (ICCV 2021): alpha_ex = 2.0
# for positive extrapolation (Table 4), alpha_in = 1.6 for negative
# interpolation (Table 5), one lambda per step, no re-normalisation, FT
# from epoch 0 (Table 6). Names are prefixed ``ft_`` so this file can be a
# second base beside a method config.
ft_both = dict(
    pos=True,
    neg=True,
    pos_alpha=2.0,
    neg_alpha=1.6,
    granularity='batch',
    renorm=False,
)
ft_pos = dict(ft_both, neg=False)
ft_neg = dict(ft_both, pos=False)
ft_dim = dict(ft_both, granularity='dim')  # dimension-level mixing (Tab. 7)
ft_hook = dict(type='FeatureTransformHook', start_epoch=0)
