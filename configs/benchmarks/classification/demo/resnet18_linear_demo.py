# CPU-size linear evaluation on the generated demo classes: frozen R18
# backbone, 64 px, linear head on the 10 shape classes (tests generate
# fewer), 10 epochs.
# The data root as data: mmengine's {{$VAR}} would paste $FTCL_DEMO_DATA into
# this file's source before running it. posix is the one environment module a
# plain (non-lazy) mmengine config may import; it is not kept in the config.
import posix

_base_ = '../imagenet/resnet50_linear-100e_in1k.py'

data_root = (
    posix.environ.get(b'FTCL_DEMO_DATA') or b'data/demo'
).decode() + '/imagenet/'
model = dict(
    backbone=dict(depth=18),
    head=dict(num_classes=10, in_channels=512, topk=(1,)),
)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='RandomResizedCrop',
        scale=64,
        crop_ratio_range=(0.5, 1.0),
        backend='pillow',
    ),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=73, edge='short', backend='pillow'),
    dict(type='CenterCrop', crop_size=64),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        _delete_=True,
        type='CustomDataset',
        data_root=data_root,
        ann_file='meta/train.txt',
        data_prefix='train',
        pipeline=train_pipeline,
    ),
)
val_dataloader = dict(
    batch_size=32,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        _delete_=True,
        type='CustomDataset',
        data_root=data_root,
        ann_file='meta/val.txt',
        data_prefix='val',
        pipeline=test_pipeline,
    ),
)
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1,))
test_evaluator = val_evaluator

max_epochs = 10
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[7], gamma=0.1)
]
optim_wrapper = dict(optimizer=dict(lr=0.1))
default_hooks = dict(
    logger=dict(interval=5), checkpoint=dict(interval=max_epochs)
)
auto_scale_lr = dict(enable=False)
