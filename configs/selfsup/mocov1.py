# MoCo v1 (He et al. 2020): linear projection to 128-d, temperature 0.07,
# MoCo v1 augmentation (no blur, strong colour jitter), lr 0.03 stepped at
# epochs 120 and 160; ImageNet-1k, R50, 8x32, 200 epochs, K=65536, m=0.999.
_base_ = 'mocov2.py'

model = dict(
    # avg-pool + fc, no norm (mmpretrain's LinearNeck defaults to BN1d).
    neck=dict(
        _delete_=True,
        type='LinearNeck',
        in_channels=2048,
        out_channels=128,
        gap_dim=2,
        norm_cfg=None,
    ),
    head=dict(temperature=0.07),
)

view_pipeline = [
    dict(
        type='RandomResizedCrop',
        scale=224,
        crop_ratio_range=(0.2, 1.0),
        backend='pillow',
    ),
    dict(
        type='RandomGrayscale',
        prob=0.2,
        keep_channels=True,
        channel_weights=(0.114, 0.587, 0.2989),
    ),
    dict(
        type='ColorJitter',
        brightness=0.4,
        contrast=0.4,
        saturation=0.4,
        hue=0.4,
    ),
    dict(type='RandomFlip', prob=0.5),
]
train_dataloader = dict(
    dataset=dict(
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
            dict(type='PackInputs'),
        ]
    )
)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[120, 160], gamma=0.1)
]
