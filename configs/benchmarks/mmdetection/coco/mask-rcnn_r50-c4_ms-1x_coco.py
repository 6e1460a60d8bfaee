# COCO transfer, MoCo's protocol: Mask R-CNN R50-C4, SyncBN, multi-scale
# training (640-800), 1x schedule (12 epochs, 16 images per iteration).
# Paper (MoCo v2 IN-1k 200ep -> +FT): AP^bb 39.0 -> 39.5 (2x schedule in
# mask-rcnn_r50-c4_ms-2x_coco.py).
# Layout: data/coco/{train2017,val2017}/*.jpg,
#         data/coco/annotations/instances_{train,val}2017.json
_base_ = [
    'mmdet::mask_rcnn/mask-rcnn_r50-caffe-c4_1x_coco.py',
    '../../../_base_/det_transfer.py',
]

custom_imports = dict(imports=['ftcl_mm'], allow_failed_imports=False)
default_scope = 'mmdet'

model = dict(
    data_preprocessor=_base_.det_data_preprocessor,
    backbone=_base_.det_c4_backbone,
    roi_head=dict(shared_head=_base_.det_c4_shared_head),
)

train_dataloader = dict(
    dataset=dict(pipeline=_base_.det_coco_ms_train_pipeline)
)
randomness = dict(seed=0)
