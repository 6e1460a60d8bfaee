# The demo COCO transfer (configs/benchmarks/mmdetection/demo) for a
# backbone from the tiny regime: ResNet-18 at width 16 (C4 features of 64
# channels, stage-4 shared head of 128).
_base_ = ['../demo/mask-rcnn_r18-c4_demo_coco.py',
          '../../../_base_/datasets/tiny_selfsup.py']

custom_imports = dict(imports=['ftcl_mm', 'ftcl_mm.models.shared_heads'],
                      allow_failed_imports=False)
width = _base_.tiny_width
model = dict(
    backbone=dict(stem_channels=width, base_channels=width),
    rpn_head=dict(in_channels=width * 4, feat_channels=width * 4),
    roi_head=dict(
        shared_head=dict(type='WidthResLayer', base_channels=width),
        bbox_roi_extractor=dict(out_channels=width * 4),
        bbox_head=dict(in_channels=width * 8),
        mask_head=dict(in_channels=width * 8)))
