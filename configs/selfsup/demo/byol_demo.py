# CPU-size BYOL on the demo data: ResNet-18, 64 px, 128-d projection.
_base_ = ['../byol.py', '../../_base_/datasets/demo_selfsup.py']

model = dict(
    backbone=dict(depth=18),
    neck=dict(in_channels=512, hid_channels=512, out_channels=128),
    head=dict(
        predictor=dict(in_channels=128, hid_channels=512, out_channels=128)
    ),
)

train_dataloader = dict(_delete_=True, **_base_.demo_train_dataloader)
train_cfg = _base_.demo_train_cfg
param_scheduler = _base_.demo_param_scheduler
default_hooks = _base_.demo_default_hooks
optim_wrapper = dict(optimizer=dict(lr=0.3))
auto_scale_lr = dict(enable=False)
