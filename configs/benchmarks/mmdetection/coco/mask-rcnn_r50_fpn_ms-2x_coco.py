# Mask R-CNN R50-FPN, 2x schedule (24 epochs, lr steps at 16 and 22).
_base_ = 'mask-rcnn_r50_fpn_ms-1x_coco.py'

train_cfg = _base_.det_2x_train_cfg
param_scheduler = _base_.det_2x_param_scheduler
