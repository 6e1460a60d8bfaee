# CPU-size LooC on the demo data: R18 at 64 px, colour and rotation spaces,
# 256 keys per space.
_base_ = ['../looc.py', '../../_base_/datasets/demo_selfsup.py']

model = dict(
    queue_len=256,
    backbone=dict(depth=18),
    neck=dict(in_channels=512, hid_channels=512),
)

# looc.py's views at 64 px, without blur (it erases 64 px outlines).
demo_looc_view_pipeline = [
    dict(t, scale=64) if t['type'] == 'RandomResizedCrop' else t
    for t in _base_.looc_view_pipeline
    if t['type'] != 'GaussianBlur'
]
train_dataloader = dict(
    _delete_=True,
    **_base_.demo_train_dataloader,
)
train_dataloader.update(
    dataset=dict(
        type='CustomDataset',
        data_root=_base_.demo_data_root,
        ann_file='meta/train.txt',
        data_prefix='train',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(
                type='LooCMultiView',
                factors=_base_.factors,
                transforms=demo_looc_view_pipeline,
            ),
            dict(type='PackInputs'),
        ],
    )
)
train_cfg = _base_.demo_train_cfg
param_scheduler = _base_.demo_param_scheduler
default_hooks = _base_.demo_default_hooks
optim_wrapper = dict(optimizer=dict(lr=0.06))
auto_scale_lr = dict(enable=False)
