# The tiny self-supervised regime: a benchmark that measurably learns on 2
# CPU cores in minutes (every choice below was measured:
# docs/reports/narratives/tiny_regime.md).
# Data: the generated shapes (tools/make_demo_data.py, root $FTCL_DEMO_DATA,
# default data/demo): 10 classes, 64 px, 5000 train / 1000 val images and
# 10,000 held-out images for the kNN and linear probes; the class is the
# outline; hue, position, scale and rotation are nuisances.
# Model: ResNet-18 at width 16 (stem 16, stages 16-32-64-128 channels,
# 128-d features), standard 7x7 stem, 64 px views.
# Names are prefixed ``tiny_`` so this file can sit beside a full-size base.
# The data root as data: mmengine's {{$VAR}} would paste $FTCL_DEMO_DATA into
# this file's source before running it. posix is the one environment module a
# plain (non-lazy) mmengine config may import; it is not kept in the config.
import posix

tiny_data_root = (
    posix.environ.get(b'FTCL_DEMO_DATA') or b'data/demo'
).decode() + '/imagenet/'
tiny_crop = 64
tiny_width = 16
# zero_init_residual=False as in the selfsup configs, so that a random-init
# evaluation starts from the init pretraining starts from (mmpretrain's
# default, True, zeroes every residual branch: kNN 16.9 % instead of 28.6).
tiny_backbone = dict(
    depth=18,
    stem_channels=tiny_width,
    base_channels=tiny_width,
    norm_cfg=dict(type='BN'),
    zero_init_residual=False,
)
tiny_feat_dim = tiny_width * 8
# MoCo's ShuffleBN on one process: BN statistics over 8 groups of 32 (the
# MoCo paper's 8 GPUs x 32 images), so a query and its positive key never
# share statistics (ftcl_mm/models/split_batch_norm.py). For the backbone
# and neck of the MoCo-family configs (momentum encoder + queue).
tiny_split_bn = dict(type='SplitBN', num_splits=8)
# Views: the nuisances are what these augmentations change. Strong colour
# jitter (SimCLR's s=1 strength) and 90-degree rotations: with MoCo v2's
# 0.4/0.1 jitter and no rotation SimCLR reached 35.8 % kNN instead of 45.3
# (10 epochs). No blur: it erases 64 px outlines. cv2 crops are 3x faster
# than pillow's here (0.07 vs 0.21 ms).
tiny_view_pipeline = [
    dict(
        type='RandomResizedCrop',
        scale=tiny_crop,
        crop_ratio_range=(0.3, 1.0),
        backend='cv2',
    ),
    dict(type='RandomRot90', prob=0.75),
    dict(
        type='RandomApply',
        transforms=[
            dict(
                type='ColorJitter',
                brightness=0.8,
                contrast=0.8,
                saturation=0.8,
                hue=0.2,
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
    dict(type='RandomFlip', prob=0.5),
]
# The same view augmentation, applied batched: the data worker crops each
# view (cv2) and only *draws* the rest with the very transforms above
# (DrawViewParams: same numpy calls, same order, same distributions); the
# data preprocessor applies rotation, jitter, grayscale and flip to all
# 512 views of a step at once, in float32 torch (view_backend='float': the
# same operations, parameters and order, rounded once at the end instead of
# after each operation; pixel differences in
# docs/reports/narratives/tiny_cost.md).
# view_backend='pil' is bit-identical to the per-image transforms
# (tests/test_models/test_view_ops.py), for results measured before.
tiny_batched_view_pipeline = [
    tiny_view_pipeline[0],
    dict(type='DrawViewParams', transforms=tiny_view_pipeline[1:]),
]
tiny_data_preprocessor = dict(
    type='BatchedViewsDataPreprocessor', view_backend='float'
)
# The per-image reference pipeline (what the batched one reproduces; for
# benchmarks: configs/selfsup/tiny/simclr_per-image-aug_tiny.py).
tiny_per_image_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='MultiView', num_views=2, transforms=[tiny_view_pipeline]),
    dict(type='PackInputs'),
]
tiny_train_dataloader = dict(
    batch_size=256,
    num_workers=1,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='CustomDataset',
        data_root=tiny_data_root,
        ann_file='meta/train.txt',
        data_prefix='train',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(
                type='MultiViewWithParams',
                num_views=2,
                transforms=[tiny_batched_view_pipeline],
            ),
            dict(
                type='PackInputs',
                meta_keys=('sample_idx', 'img_path', 'view_params'),
            ),
        ],
    ),
)
tiny_epochs = 20
tiny_train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=tiny_epochs)
tiny_param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=tiny_epochs,
        by_epoch=True,
        begin=0,
        end=tiny_epochs,
    )
]
# Learning curves: kNN top-1 (k=20) on the 10,000 held-out images every 5
# epochs and after the last (ftcl_mm/engine/hooks/online_knn_hook.py).
tiny_eval_split = dict(
    type='CustomDataset',
    data_root=tiny_data_root,
    pipeline=[dict(type='LoadImageFromFile'), dict(type='PackInputs')],
)
tiny_default_hooks = dict(
    logger=dict(type='LoggerHook', interval=5),
    checkpoint=dict(type='CheckpointHook', interval=5, max_keep_ckpts=1),
    online_knn=dict(
        type='OnlineKNNHook',
        interval=5,
        train=dict(
            tiny_eval_split, ann_file='meta/train.txt', data_prefix='train'
        ),
        val=dict(
            tiny_eval_split, ann_file='meta/heldout.txt', data_prefix='heldout'
        ),
    ),
)
# The classes of the tiny detection benchmark (tools/make_demo_data.py:
# tiny_det/): the classification split's 10 shapes, in label order.
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
# Their training views: native 128 px, multi-scale 112-144 (box-only; the
# COCO config adds masks).
tiny_det_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='RandomChoiceResize',
        scales=[(112, 112), (128, 128), (144, 144)],
        keep_ratio=True,
    ),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
# C4 detectors on this backbone (configs/benchmarks/mmdetection/tiny): C4
# features have 4 * width channels and the stage-4 shared head 8 * width;
# mmdet's shared ResLayer hard-codes width 64, WidthResLayer does not.
tiny_det_custom_imports = dict(
    imports=['ftcl_mm', 'ftcl_mm.models.shared_heads'],
    allow_failed_imports=False,
)
tiny_c4_model = dict(
    backbone=dict(stem_channels=tiny_width, base_channels=tiny_width),
    rpn_head=dict(in_channels=tiny_width * 4, feat_channels=tiny_width * 4),
    roi_head=dict(
        shared_head=dict(type='WidthResLayer', base_channels=tiny_width),
        bbox_roi_extractor=dict(out_channels=tiny_width * 4),
        bbox_head=dict(in_channels=tiny_width * 8),
    ),
)
