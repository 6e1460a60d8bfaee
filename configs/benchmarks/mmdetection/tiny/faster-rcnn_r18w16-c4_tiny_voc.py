# The demo VOC transfer (configs/benchmarks/mmdetection/demo) for a backbone
# from the tiny regime (configs/selfsup/tiny): ResNet-18 at width 16.
_base_ = [
    '../demo/faster-rcnn_r18-c4_demo_voc.py',
    '../../../_base_/datasets/tiny_selfsup.py',
]

custom_imports = _base_.tiny_det_custom_imports
model = _base_.tiny_c4_model
