# mocov2_tiny.py with the paper's MoCo v2 head: a plain two-layer MLP
# (MoCoV2Neck, no BN), under which the cosine scores start high (positive
# ~.77 at iteration 1) as in the paper, instead of the regime's projector
# ending in a BN without affine parameters (scores start near 0).
_base_ = 'mocov2_tiny.py'

model = dict(
    neck=dict(
        _delete_=True,
        type='MoCoV2Neck',
        in_channels=_base_.tiny_feat_dim,
        hid_channels=512,
        out_channels=128,
        with_avg_pool=True,
    ),
)
