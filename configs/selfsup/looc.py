# LooC (Xiao et al. 2021) on MoCo v2: ImageNet-100, R50, 500 epochs, one
# queue of K=16384 per embedding space, temperature 0.2. Three spaces: all-
# invariant, colour-variant (keys sharing the query's colour jitter are the
# only positives) and rotation-variant (90-degree rotations added as an
# augmentation). Downstream: the backbone (LooC); see loocpp.py for LooC++.
#   tools/dist_train.sh configs/selfsup/looc.py 8
_base_ = 'mocov2_in100.py'

factors = ('color', 'rotation')
model = dict(
    type='LooC',
    queue_len=16384,
    feat_dim=128,
    neck=dict(
        _delete_=True,
        type='LooCNeck',
        in_channels=2048,
        hid_channels=2048,
        out_channels=128,
        num_spaces=len(factors) + 1,
    ),
    head=dict(temperature=0.2),
)

looc_view_pipeline = [
    dict(
        type='RandomResizedCrop',
        scale=224,
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
        looc_factor='color',
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
    dict(type='RandomRot90', prob=0.75, looc_factor='rotation'),
]
train_dataloader = dict(
    dataset=dict(
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(
                type='LooCMultiView',
                factors=factors,
                transforms=looc_view_pipeline,
            ),
            dict(type='PackInputs'),
        ]
    )
)

max_epochs = 500
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs,
        by_epoch=True,
        begin=0,
        end=max_epochs,
    )
]
