# SimCLR in the tiny regime (configs/_base_/datasets/tiny_selfsup.py):
# in-batch negatives (2 x 256 views), temperature 0.2, SGD lr 0.3 with
# weight decay 5e-4 (plain SGD: LARS is for large batches).
_base_ = ['../simclr.py', '../../_base_/datasets/tiny_selfsup.py']

model = dict(
    backbone=dict(**_base_.tiny_backbone),
    neck=dict(
        in_channels=_base_.tiny_feat_dim, hid_channels=512, out_channels=128
    ),
    head=dict(temperature=0.2),
)
train_dataloader = dict(_delete_=True, **_base_.tiny_train_dataloader)
data_preprocessor = _base_.tiny_data_preprocessor
train_cfg = _base_.tiny_train_cfg
param_scheduler = _base_.tiny_param_scheduler
default_hooks = _base_.tiny_default_hooks
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.3, momentum=0.9, weight_decay=5e-4),
)
auto_scale_lr = dict(enable=False)
