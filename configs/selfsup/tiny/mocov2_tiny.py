# MoCo v2 in the tiny regime (why each setting:
# docs/reports/narratives/tiny_regime.md).
# - queue 512: ~10 % of the images, so the query's own image is rarely a
#   negative (ImageNet's 65536 are 5 %);
# - momentum 0.9 (momentum=0.1): at 0.99 the key encoder stays near init;
# - BN projector, last BN without affine (as MoCo v3): with the plain MLP
#   positive and negative scores drift together to ~.9;
# - temperature 0.5: at 0.2 the same-class tenth of the queue dominates
#   the loss and two seeds of three missed +20 kNN over random init;
# - SplitBN (8 groups of 32): ShuffleBN on one process.
_base_ = ['../mocov2.py', '../../_base_/datasets/tiny_selfsup.py']

model = dict(
    queue_len=512,
    momentum=0.1,
    backbone=dict(_base_.tiny_backbone, norm_cfg=_base_.tiny_split_bn),
    neck=dict(
        _delete_=True,
        type='NonLinearNeck',
        in_channels=_base_.tiny_feat_dim,
        hid_channels=512,
        out_channels=128,
        num_layers=2,
        with_avg_pool=True,
        with_last_bn_affine=False,
        norm_cfg=_base_.tiny_split_bn,
    ),
    head=dict(temperature=0.5),
)
train_dataloader = dict(_delete_=True, **_base_.tiny_train_dataloader)
data_preprocessor = _base_.tiny_data_preprocessor
train_cfg = _base_.tiny_train_cfg
param_scheduler = _base_.tiny_param_scheduler
default_hooks = _base_.tiny_default_hooks
optim_wrapper = dict(optimizer=dict(lr=0.06, weight_decay=5e-4))
auto_scale_lr = dict(enable=False)
