auto_scale_lr = dict(base_batch_size=256, enable=False)
custom_hooks = [
    dict(start_epoch=0, type='FeatureTransformHook'),
    dict(type='ScoreStatsHook'),
    dict(type='mmpretrain.TrainingGuardHook'),
]
custom_imports = dict(
    allow_failed_imports=False, imports=[
        'ftcl_mm',
    ])
data_preprocessor = dict(
    _scope_='mmpretrain',
    mean=[
        123.675,
        116.28,
        103.53,
    ],
    std=[
        58.395,
        57.12,
        57.375,
    ],
    to_rgb=True,
    type='BatchedViewsDataPreprocessor',
    view_backend='float')
data_root = 'data/imagenet/'
dataset_type = 'ImageNet'
default_hooks = dict(
    checkpoint=dict(
        _scope_='mmpretrain',
        interval=5,
        max_keep_ckpts=1,
        type='CheckpointHook'),
    logger=dict(_scope_='mmpretrain', interval=5, type='LoggerHook'),
    online_knn=dict(
        interval=5,
        train=dict(
            ann_file='meta/train.txt',
            data_prefix='train',
            data_root='/work/studies/data_demo/imagenet/',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='PackInputs'),
            ],
            type='CustomDataset'),
        type='OnlineKNNHook',
        val=dict(
            ann_file='meta/heldout.txt',
            data_prefix='heldout',
            data_root='/work/studies/data_demo/imagenet/',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='PackInputs'),
            ],
            type='CustomDataset')),
    param_scheduler=dict(_scope_='mmpretrain', type='ParamSchedulerHook'),
    sampler_seed=dict(_scope_='mmpretrain', type='DistSamplerSeedHook'),
    timer=dict(_scope_='mmpretrain', type='IterTimerHook'),
    visualization=dict(
        _scope_='mmpretrain', enable=False, type='VisualizationHook'))
default_scope = 'mmpretrain'
env_cfg = dict(
    cudnn_benchmark=False,
    dist_cfg=dict(backend='nccl'),
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0))
ft_both = dict(
    granularity='batch',
    neg=True,
    neg_alpha=1.6,
    pos=True,
    pos_alpha=2.0,
    renorm=False)
ft_dim = dict(
    granularity='dim',
    neg=True,
    neg_alpha=1.6,
    pos=True,
    pos_alpha=2.0,
    renorm=False)
ft_hook = dict(start_epoch=0, type='FeatureTransformHook')
ft_neg = dict(
    granularity='batch',
    neg=True,
    neg_alpha=1.6,
    pos=False,
    pos_alpha=2.0,
    renorm=False)
ft_pos = dict(
    granularity='batch',
    neg=False,
    neg_alpha=1.6,
    pos=True,
    pos_alpha=2.0,
    renorm=False)
launcher = 'none'
load_from = '/work/studies/fair/60ep/mocov2/bounded/seed2/pretrain/epoch_30.pth'
log_level = 'INFO'
model = dict(
    _scope_='mmpretrain',
    backbone=dict(
        base_channels=16,
        depth=18,
        norm_cfg=dict(num_splits=8, type='SplitBN'),
        stem_channels=16,
        type='ResNet',
        zero_init_residual=False),
    feat_dim=128,
    ft=dict(
        granularity='batch',
        neg=True,
        neg_alpha=1.6,
        pos=True,
        pos_alpha=2.0,
        pos_lambda_max=1.5,
        renorm=False),
    head=dict(
        loss=dict(type='CrossEntropyLoss'),
        temperature=0.5,
        type='ContrastiveHead'),
    momentum=0.1,
    neck=dict(
        hid_channels=512,
        in_channels=128,
        norm_cfg=dict(num_splits=8, type='SplitBN'),
        num_layers=2,
        out_channels=128,
        type='NonLinearNeck',
        with_avg_pool=True,
        with_last_bn_affine=False),
    queue_len=512,
    type='MoCoFT')
optim_wrapper = dict(
    _scope_='mmpretrain',
    optimizer=dict(lr=0.06, momentum=0.9, type='SGD', weight_decay=0.0005),
    type='OptimWrapper')
param_scheduler = [
    dict(T_max=60, begin=0, by_epoch=True, end=60, type='CosineAnnealingLR'),
]
randomness = dict(deterministic=False, seed=2)
resume = True
tiny_backbone = dict(
    base_channels=16,
    depth=18,
    norm_cfg=dict(type='BN'),
    stem_channels=16,
    zero_init_residual=False)
tiny_batched_view_pipeline = [
    dict(
        backend='cv2',
        crop_ratio_range=(
            0.3,
            1.0,
        ),
        scale=64,
        type='RandomResizedCrop'),
    dict(
        transforms=[
            dict(prob=0.75, type='RandomRot90'),
            dict(
                prob=0.8,
                transforms=[
                    dict(
                        brightness=0.8,
                        contrast=0.8,
                        hue=0.2,
                        saturation=0.8,
                        type='ColorJitter'),
                ],
                type='RandomApply'),
            dict(
                channel_weights=(
                    0.114,
                    0.587,
                    0.2989,
                ),
                keep_channels=True,
                prob=0.2,
                type='RandomGrayscale'),
            dict(prob=0.5, type='RandomFlip'),
        ],
        type='DrawViewParams'),
]
tiny_c4_model = dict(
    backbone=dict(base_channels=16, stem_channels=16),
    roi_head=dict(
        bbox_head=dict(in_channels=128),
        bbox_roi_extractor=dict(out_channels=64),
        shared_head=dict(base_channels=16, type='WidthResLayer')),
    rpn_head=dict(feat_channels=64, in_channels=64))
tiny_crop = 64
tiny_data_preprocessor = dict(
    type='BatchedViewsDataPreprocessor', view_backend='float')
tiny_data_root = '/work/studies/data_demo/imagenet/'
tiny_default_hooks = dict(
    checkpoint=dict(interval=5, max_keep_ckpts=1, type='CheckpointHook'),
    logger=dict(interval=5, type='LoggerHook'),
    online_knn=dict(
        interval=5,
        train=dict(
            ann_file='meta/train.txt',
            data_prefix='train',
            data_root='/work/studies/data_demo/imagenet/',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='PackInputs'),
            ],
            type='CustomDataset'),
        type='OnlineKNNHook',
        val=dict(
            ann_file='meta/heldout.txt',
            data_prefix='heldout',
            data_root='/work/studies/data_demo/imagenet/',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='PackInputs'),
            ],
            type='CustomDataset')))
tiny_det_classes = (
    'circle',
    'square',
    'triangle',
    'star',
    'cross',
    'ring',
    'crescent',
    'heart',
    'arrow',
    'lshape',
)
tiny_det_custom_imports = dict(
    allow_failed_imports=False,
    imports=[
        'ftcl_mm',
        'ftcl_mm.models.shared_heads',
    ])
tiny_det_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        keep_ratio=True,
        scales=[
            (
                112,
                112,
            ),
            (
                128,
                128,
            ),
            (
                144,
                144,
            ),
        ],
        type='RandomChoiceResize'),
    dict(prob=0.5, type='RandomFlip'),
    dict(type='PackDetInputs'),
]
tiny_epochs = 20
tiny_eval_split = dict(
    data_root='/work/studies/data_demo/imagenet/',
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='PackInputs'),
    ],
    type='CustomDataset')
tiny_feat_dim = 128
tiny_param_scheduler = [
    dict(T_max=20, begin=0, by_epoch=True, end=20, type='CosineAnnealingLR'),
]
tiny_per_image_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        num_views=2,
        transforms=[
            [
                dict(
                    backend='cv2',
                    crop_ratio_range=(
                        0.3,
                        1.0,
                    ),
                    scale=64,
                    type='RandomResizedCrop'),
                dict(prob=0.75, type='RandomRot90'),
                dict(
                    prob=0.8,
                    transforms=[
                        dict(
                            brightness=0.8,
                            contrast=0.8,
                            hue=0.2,
                            saturation=0.8,
                            type='ColorJitter'),
                    ],
                    type='RandomApply'),
                dict(
                    channel_weights=(
                        0.114,
                        0.587,
                        0.2989,
                    ),
                    keep_channels=True,
                    prob=0.2,
                    type='RandomGrayscale'),
                dict(prob=0.5, type='RandomFlip'),
            ],
        ],
        type='MultiView'),
    dict(type='PackInputs'),
]
tiny_split_bn = dict(num_splits=8, type='SplitBN')
tiny_train_cfg = dict(max_epochs=20, type='EpochBasedTrainLoop')
tiny_train_dataloader = dict(
    batch_size=256,
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        ann_file='meta/train.txt',
        data_prefix='train',
        data_root='/work/studies/data_demo/imagenet/',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(
                num_views=2,
                transforms=[
                    [
                        dict(
                            backend='cv2',
                            crop_ratio_range=(
                                0.3,
                                1.0,
                            ),
                            scale=64,
                            type='RandomResizedCrop'),
                        dict(
                            transforms=[
                                dict(prob=0.75, type='RandomRot90'),
                                dict(
                                    prob=0.8,
                                    transforms=[
                                        dict(
                                            brightness=0.8,
                                            contrast=0.8,
                                            hue=0.2,
                                            saturation=0.8,
                                            type='ColorJitter'),
                                    ],
                                    type='RandomApply'),
                                dict(
                                    channel_weights=(
                                        0.114,
                                        0.587,
                                        0.2989,
                                    ),
                                    keep_channels=True,
                                    prob=0.2,
                                    type='RandomGrayscale'),
                                dict(prob=0.5, type='RandomFlip'),
                            ],
                            type='DrawViewParams'),
                    ],
                ],
                type='MultiViewWithParams'),
            dict(
                meta_keys=(
                    'sample_idx',
                    'img_path',
                    'view_params',
                ),
                type='PackInputs'),
        ],
        type='CustomDataset'),
    drop_last=True,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(shuffle=True, type='DefaultSampler'))
tiny_view_pipeline = [
    dict(
        backend='cv2',
        crop_ratio_range=(
            0.3,
            1.0,
        ),
        scale=64,
        type='RandomResizedCrop'),
    dict(prob=0.75, type='RandomRot90'),
    dict(
        prob=0.8,
        transforms=[
            dict(
                brightness=0.8,
                contrast=0.8,
                hue=0.2,
                saturation=0.8,
                type='ColorJitter'),
        ],
        type='RandomApply'),
    dict(
        channel_weights=(
            0.114,
            0.587,
            0.2989,
        ),
        keep_channels=True,
        prob=0.2,
        type='RandomGrayscale'),
    dict(prob=0.5, type='RandomFlip'),
]
tiny_width = 16
train_cfg = dict(
    _scope_='mmpretrain', max_epochs=60, type='EpochBasedTrainLoop')
train_dataloader = dict(
    batch_size=256,
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        dataset=dict(
            ann_file='meta/train.txt',
            data_prefix='train',
            data_root='/work/studies/data_demo/imagenet/',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(
                    num_views=2,
                    transforms=[
                        [
                            dict(
                                backend='cv2',
                                crop_ratio_range=(
                                    0.3,
                                    1.0,
                                ),
                                scale=64,
                                type='RandomResizedCrop'),
                            dict(
                                transforms=[
                                    dict(prob=0.75, type='RandomRot90'),
                                    dict(
                                        prob=0.8,
                                        transforms=[
                                            dict(
                                                brightness=0.8,
                                                contrast=0.8,
                                                hue=0.2,
                                                saturation=0.8,
                                                type='ColorJitter'),
                                        ],
                                        type='RandomApply'),
                                    dict(
                                        channel_weights=(
                                            0.114,
                                            0.587,
                                            0.2989,
                                        ),
                                        keep_channels=True,
                                        prob=0.2,
                                        type='RandomGrayscale'),
                                    dict(prob=0.5, type='RandomFlip'),
                                ],
                                type='DrawViewParams'),
                        ],
                    ],
                    type='MultiViewWithParams'),
                dict(
                    meta_keys=(
                        'sample_idx',
                        'img_path',
                        'view_params',
                    ),
                    type='PackInputs'),
            ],
            type='CustomDataset'),
        skip_unreadable=False,
        skipped_file=None,
        type='ReproducibleDataset'),
    drop_last=True,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(shuffle=True, type='EpochSeededSampler'))
train_pipeline = [
    dict(_scope_='mmpretrain', type='LoadImageFromFile'),
    dict(
        _scope_='mmpretrain',
        num_views=2,
        transforms=[
            [
                dict(
                    backend='pillow',
                    crop_ratio_range=(
                        0.2,
                        1.0,
                    ),
                    scale=224,
                    type='RandomResizedCrop'),
                dict(
                    prob=0.8,
                    transforms=[
                        dict(
                            brightness=0.4,
                            contrast=0.4,
                            hue=0.1,
                            saturation=0.4,
                            type='ColorJitter'),
                    ],
                    type='RandomApply'),
                dict(
                    channel_weights=(
                        0.114,
                        0.587,
                        0.2989,
                    ),
                    keep_channels=True,
                    prob=0.2,
                    type='RandomGrayscale'),
                dict(
                    magnitude_range=(
                        0.1,
                        2.0,
                    ),
                    magnitude_std='inf',
                    prob=0.5,
                    type='GaussianBlur'),
                dict(prob=0.5, type='RandomFlip'),
            ],
        ],
        type='MultiView'),
    dict(_scope_='mmpretrain', type='PackInputs'),
]
view_pipeline = [
    dict(
        _scope_='mmpretrain',
        backend='pillow',
        crop_ratio_range=(
            0.2,
            1.0,
        ),
        scale=224,
        type='RandomResizedCrop'),
    dict(
        _scope_='mmpretrain',
        prob=0.8,
        transforms=[
            dict(
                brightness=0.4,
                contrast=0.4,
                hue=0.1,
                saturation=0.4,
                type='ColorJitter'),
        ],
        type='RandomApply'),
    dict(
        _scope_='mmpretrain',
        channel_weights=(
            0.114,
            0.587,
            0.2989,
        ),
        keep_channels=True,
        prob=0.2,
        type='RandomGrayscale'),
    dict(
        _scope_='mmpretrain',
        magnitude_range=(
            0.1,
            2.0,
        ),
        magnitude_std='inf',
        prob=0.5,
        type='GaussianBlur'),
    dict(_scope_='mmpretrain', prob=0.5, type='RandomFlip'),
]
vis_backends = [
    dict(_scope_='mmpretrain', type='LocalVisBackend'),
]
visualizer = dict(
    _scope_='mmpretrain',
    type='UniversalVisualizer',
    vis_backends=[
        dict(type='LocalVisBackend'),
    ])
work_dir = '/work/studies/fair/60ep/mocov2/bounded/seed2/pretrain'
