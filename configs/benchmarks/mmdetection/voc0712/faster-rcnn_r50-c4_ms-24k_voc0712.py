# PASCAL VOC transfer, MoCo's protocol: Faster R-CNN R50-C4, SyncBN, train
# on VOC07+12 trainval with multi-scale (480-800), test on VOC07 test at
# 800, 24k iterations of 16 images (8 GPUs x 2), lr 0.02 stepped at 18k/22k.
# Paper (MoCo v2 IN-1k 200ep -> +FT, avg of 5 runs): AP50 82.4 -> 83.3.
#   tools/dist_train.sh configs/benchmarks/mmdetection/voc0712/\
#       faster-rcnn_r50-c4_ms-24k_voc0712.py 8 --pretrained r50.pth
# Layout: data/VOCdevkit/VOC2007/{JPEGImages,Annotations,ImageSets/Main},
#         data/VOCdevkit/VOC2012/... (same).
_base_ = [
    'mmdet::pascal_voc/faster-rcnn_r50-caffe-c4_ms-18k_voc0712.py',
    '../../../_base_/det_transfer.py',
]

custom_imports = dict(imports=['ftcl_mm'], allow_failed_imports=False)
default_scope = 'mmdet'

model = dict(
    data_preprocessor=_base_.det_data_preprocessor,
    backbone=_base_.det_c4_backbone,
    roi_head=dict(shared_head=_base_.det_c4_shared_head),
)

max_iter = 24000
train_cfg = dict(max_iters=max_iter, val_interval=4000)
param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=100
    ),
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_iter,
        by_epoch=False,
        milestones=[18000, 22000],
        gamma=0.1,
    ),
]
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=4000))
randomness = dict(seed=0)
