# Transfer settings shared by the detection benchmarks (MoCo's protocol):
# a torchvision-style ("pytorch") ResNet initialised from a self-supervised
# backbone (tools/convert_ckpt.py), SyncBN trained in the backbone and the
# C4 head, nothing frozen, ImageNet RGB normalisation. The checkpoint must
# reach *both* model.backbone and, for C4, model.roi_head.shared_head (res5
# lives there): `tools/train.py CONFIG --pretrained PATH` sets every
# Pretrained init_cfg (use `--pretrained none` for random init).
# Names are prefixed ``det_`` so this file can sit beside an mmdet base.
det_pretrained = 'work_dirs/selfsup_backbone.pth'
det_norm_cfg = dict(type='SyncBN', requires_grad=True)
det_init_cfg = dict(type='Pretrained', checkpoint=det_pretrained)
det_data_preprocessor = dict(
    type='DetDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_size_divisor=32,
)
det_c4_backbone = dict(
    frozen_stages=-1,
    norm_cfg=det_norm_cfg,
    norm_eval=False,
    style='pytorch',
    init_cfg=det_init_cfg,
)
det_c4_shared_head = dict(
    norm_cfg=det_norm_cfg,
    norm_eval=False,
    style='pytorch',
    init_cfg=det_init_cfg,
)
# COCO multi-scale training (shorter side 640-800) and the 2x schedule.
det_coco_ms_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(
        type='RandomChoiceResize',
        scales=[
            (1333, 640),
            (1333, 672),
            (1333, 704),
            (1333, 736),
            (1333, 768),
            (1333, 800),
        ],
        keep_ratio=True,
    ),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
det_2x_train_cfg = dict(max_epochs=24)
det_2x_param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500
    ),
    dict(
        type='MultiStepLR',
        begin=0,
        end=24,
        by_epoch=True,
        milestones=[16, 22],
        gamma=0.1,
    ),
]
