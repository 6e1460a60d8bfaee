# LooC in the tiny regime: mocov2_tiny.py's encoder at temperature 0.2
# (LooC's measured setting; docs/siblings.md), LooCNeck with three spaces
# (all-invariant, colour-variant, rotation-variant) and one key view per
# factor sharing the query's colour jitter / rotation.
_base_ = ['../looc.py', '../../_base_/datasets/tiny_selfsup.py']

model = dict(
    queue_len=512,
    momentum=0.1,
    backbone=dict(_base_.tiny_backbone, norm_cfg=_base_.tiny_split_bn),
    # BN projector (last BN without affine), as mocov2_tiny.py: with the
    # paper's plain MLP every score went to .99 within 40 steps (kNN 22.0
    # at seed 0, below random init; the collapse alarm fired at step 70).
    neck=dict(
        in_channels=_base_.tiny_feat_dim,
        hid_channels=512,
        norm_cfg=_base_.tiny_split_bn,
    ),
)
looc_tiny_view_pipeline = [dict(t) for t in _base_.tiny_view_pipeline]
looc_tiny_view_pipeline[1]['looc_factor'] = 'rotation'
looc_tiny_view_pipeline[2]['looc_factor'] = 'color'
train_dataloader = dict(_delete_=True, **_base_.tiny_train_dataloader)
train_dataloader['dataset']['pipeline'] = [
    dict(type='LoadImageFromFile'),
    dict(
        type='LooCMultiView',
        factors=_base_.factors,
        transforms=looc_tiny_view_pipeline,
    ),
    dict(type='PackInputs'),
]
train_cfg = _base_.tiny_train_cfg
param_scheduler = _base_.tiny_param_scheduler
default_hooks = _base_.tiny_default_hooks
optim_wrapper = dict(optimizer=dict(lr=0.06, weight_decay=5e-4))
auto_scale_lr = dict(enable=False)
