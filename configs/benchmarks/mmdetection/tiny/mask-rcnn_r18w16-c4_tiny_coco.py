# The demo COCO transfer (configs/benchmarks/mmdetection/demo) for a
# backbone from the tiny regime (configs/selfsup/tiny): ResNet-18 at width
# 16; the mask head reads the 8 * width channels of the shared head.
_base_ = [
    '../demo/mask-rcnn_r18-c4_demo_coco.py',
    '../../../_base_/datasets/tiny_selfsup.py',
]

custom_imports = _base_.tiny_det_custom_imports
model = _base_.tiny_c4_model
model.roi_head.mask_head = dict(in_channels=_base_.tiny_width * 8)
