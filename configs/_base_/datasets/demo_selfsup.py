# Self-supervised pretraining data for the CPU demo (root: $FTCL_DEMO_DATA,
# default data/demo): the generated demo
# classes (tools/make_demo_data.py) in ImageNet layout, 64 px MoCo v2-style
# views. Demo configs use ``train_dataloader = dict(_delete_=True,
# **_base_.demo_train_dataloader)``; names are prefixed ``demo_`` so this
# file can sit beside a full-size base without clashing keys.
# The data root as data: mmengine's {{$VAR}} would paste $FTCL_DEMO_DATA into
# this file's source before running it. posix is the one environment module a
# plain (non-lazy) mmengine config may import; it is not kept in the config.
import posix

demo_data_root = (
    posix.environ.get(b'FTCL_DEMO_DATA') or b'data/demo'
).decode() + '/imagenet/'
demo_crop = 64
demo_view_pipeline = [
    dict(
        type='RandomResizedCrop',
        scale=demo_crop,
        crop_ratio_range=(0.2, 1.0),
        backend='pillow',
    ),
    dict(
        type='RandomApply',
        transforms=[
            dict(
                type='ColorJitter',
                brightness=0.4,
                contrast=0.4,
                saturation=0.4,
                hue=0.1,
            )
        ],
        prob=0.8,
    ),
    dict(
        type='RandomGrayscale',
        prob=0.2,
        keep_channels=True,
        channel_weights=(0.114, 0.587, 0.2989),
    ),
    dict(
        type='GaussianBlur',
        magnitude_range=(0.1, 2.0),
        magnitude_std='inf',
        prob=0.5,
    ),
    dict(type='RandomFlip', prob=0.5),
]
demo_train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='CustomDataset',
        data_root=demo_data_root,
        ann_file='meta/train.txt',
        data_prefix='train',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(
                type='MultiView', num_views=2, transforms=[demo_view_pipeline]
            ),
            dict(type='PackInputs'),
        ],
    ),
)
# Short CPU schedule; every demo config shares it.
demo_epochs = 20
demo_train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=demo_epochs)
demo_param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=demo_epochs,
        by_epoch=True,
        begin=0,
        end=demo_epochs,
    )
]
demo_default_hooks = dict(
    logger=dict(type='LoggerHook', interval=5),
    checkpoint=dict(type='CheckpointHook', interval=5, max_keep_ckpts=2),
)
