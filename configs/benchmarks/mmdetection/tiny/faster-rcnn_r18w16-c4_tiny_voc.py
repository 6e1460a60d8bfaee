# The demo VOC transfer (configs/benchmarks/mmdetection/demo) for a backbone
# from the tiny regime (configs/selfsup/tiny): ResNet-18 at width 16, so
# C4 features have 64 channels and the stage-4 shared head 128.
_base_ = ['../demo/faster-rcnn_r18-c4_demo_voc.py',
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
        bbox_head=dict(in_channels=width * 8)))
