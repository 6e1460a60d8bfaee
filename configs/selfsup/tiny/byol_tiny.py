# BYOL in the tiny regime: EMA target network and predictor; mmpretrain's
# projector/predictor (no last BN) at 512 hidden / 128 out. Plain SGD lr 0.3,
# weight decay 5e-4 as simclr_tiny.py (LARS is for BYOL's 4096 batch). The
# target's EMA starts at 0.9 (``base_momentum=0.1``, cosine to 1) for the
# reason MoCo's key encoder does here: at 0.99 it averages ~100 of the
# run's ~380 steps and stays near its random init.
_base_ = ['../byol.py', '../../_base_/datasets/tiny_selfsup.py']

model = dict(
    base_momentum=0.1,
    backbone=dict(**_base_.tiny_backbone),
    neck=dict(
        in_channels=_base_.tiny_feat_dim, hid_channels=512, out_channels=128
    ),
    head=dict(
        predictor=dict(in_channels=128, hid_channels=512, out_channels=128)
    ),
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
