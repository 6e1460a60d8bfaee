# The tiny fine-grained task (50 classes: 10 outlines x 5 fill details,
# tools/make_demo_data.py: downstream/finegrained/, the CUB-200-2011
# layout) fine-tuned from the tiny backbone: the CUB fine-tuning config with
# the tiny backbone, 64 px images (random crop after 4 px padding, flips),
# batch 64 and 30 epochs that fit 2 CPU cores.
_base_ = [
    '../cub200/resnet50_finetune-100e_cub200.py',
    '../../../_base_/datasets/tiny_selfsup.py',
]

finegrained_root = _base_.tiny_data_root.replace(
    '/imagenet/', '/downstream/finegrained/'
)
finegrained_classes = [
    f'{s}.{d}'
    for s in _base_.tiny_det_classes
    for d in ('solid', 'fine-stripes', 'coarse-stripes', 'checks', 'dots')
]
model = dict(
    backbone=dict(**_base_.tiny_backbone),
    head=dict(num_classes=50, in_channels=_base_.tiny_feat_dim, topk=(1,)),
)
data_preprocessor = dict(num_classes=50)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomCrop', crop_size=64, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]
train_dataloader = dict(
    batch_size=64,
    num_workers=1,
    dataset=dict(
        data_root=finegrained_root,
        pipeline=train_pipeline,
        metainfo=dict(classes=finegrained_classes),
    ),
)
val_dataloader = dict(
    batch_size=256,
    num_workers=1,
    dataset=dict(
        data_root=finegrained_root,
        pipeline=test_pipeline,
        metainfo=dict(classes=finegrained_classes),
    ),
)
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1,))
test_evaluator = val_evaluator
train_cfg = dict(max_epochs=30, val_interval=30)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0, end=2),
    dict(type='CosineAnnealingLR', T_max=28, by_epoch=True, begin=2, end=30),
]
optim_wrapper = dict(optimizer=dict(lr=0.05))
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(type='CheckpointHook', interval=30, max_keep_ckpts=1),
)
