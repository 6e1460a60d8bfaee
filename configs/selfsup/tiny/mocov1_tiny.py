# MoCo v1 in the tiny regime: mocov2_tiny.py (queue, momentum encoder,
# SplitBN, data, schedule) with what defines MoCo v1 against v2: a linear
# projection to 128-d (no MLP, no norm) and temperature 0.07. The views
# stay the regime's shared ones (the data is part of the benchmark).
_base_ = 'mocov2_tiny.py'

model = dict(
    neck=dict(
        _delete_=True,
        type='LinearNeck',
        in_channels=_base_.tiny_feat_dim,
        out_channels=128,
        gap_dim=2,
        norm_cfg=None,
    ),
    head=dict(temperature=0.07),
)
