# The CPU-size overrides the demo detection configs share (Faster R-CNN C4
# on VOC, Mask R-CNN C4 on COCO, both from the generated demo data): the
# real C4 configs at ResNet-18, 160-192 px images, 32 sampled RoIs, a short
# schedule. Names are prefixed ``demo_det_`` so this file can be a second
# base beside a real detection config.
demo_det_classes = ('circle', 'square', 'triangle', 'star')
demo_det_model = dict(
    backbone=dict(depth=18),
    rpn_head=dict(in_channels=256, feat_channels=256),
    roi_head=dict(
        shared_head=dict(depth=18),
        bbox_roi_extractor=dict(out_channels=256),
        bbox_head=dict(in_channels=512, num_classes=len(demo_det_classes)),
    ),
    train_cfg=dict(
        rpn_proposal=dict(nms_pre=1000, max_per_img=300),
        rcnn=dict(sampler=dict(num=32)),
    ),
    # Keep every detection: after a short CPU schedule scores are low, and
    # AP only needs their ranking.
    test_cfg=dict(
        rpn=dict(nms_pre=600, max_per_img=100), rcnn=dict(score_thr=0.0)
    ),
)
# Box-only pipelines; the COCO config adds masks to LoadAnnotations.
demo_det_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='RandomChoiceResize',
        scales=[(320, 160), (320, 176), (320, 192)],
        keep_ratio=True,
    ),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
demo_det_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(320, 192), keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='PackDetInputs',
        meta_keys=(
            'img_id',
            'img_path',
            'ori_shape',
            'img_shape',
            'scale_factor',
        ),
    ),
]
demo_det_loader = dict(num_workers=0, persistent_workers=False)
demo_det_warmup = dict(
    type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=10
)
demo_det_optim_wrapper = dict(optimizer=dict(lr=0.01))
