# The "supervised" row of the tiny detection table (paper Table 9): the
# tiny regime's backbone (ResNet-18 at width 16) trained from scratch *with
# labels* on the 5000 training images, the same 20 epochs, batch 256 and
# cosine schedule as pretraining, random crops (0.3-1, 64 px), 90-degree
# rotations and flips. Convert its checkpoint with tools/convert_ckpt.py
# like a self-supervised one.
_base_ = 'resnet18w16_linear_tiny.py'

model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNet',
        **_base_.tiny_backbone,
        frozen_stages=-1,
        norm_eval=False,
    )
)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    _base_.tiny_view_pipeline[0],
    _base_.tiny_view_pipeline[1],
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    num_workers=1,
    persistent_workers=True,
    dataset=dict(pipeline=train_pipeline),
)
train_cfg = dict(
    max_epochs=_base_.tiny_epochs, val_interval=_base_.tiny_epochs
)
param_scheduler = _base_.tiny_param_scheduler
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4),
)
default_hooks = dict(checkpoint=dict(interval=_base_.tiny_epochs))
