# COCO transfer: Mask R-CNN R50-FPN, SyncBN backbone trained end to end,
# multi-scale training (640-800), 1x schedule.
_base_ = [
    'mmdet::mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py',
    '../../../_base_/det_transfer.py',
]

custom_imports = dict(imports=['ftcl_mm'], allow_failed_imports=False)
default_scope = 'mmdet'

model = dict(
    data_preprocessor=_base_.det_data_preprocessor,
    backbone=dict(
        frozen_stages=-1,
        norm_cfg=_base_.det_norm_cfg,
        norm_eval=False,
        init_cfg=_base_.det_init_cfg,
    ),
    neck=dict(norm_cfg=_base_.det_norm_cfg),
)

train_dataloader = dict(
    dataset=dict(pipeline=_base_.det_coco_ms_train_pipeline)
)
randomness = dict(seed=0)
