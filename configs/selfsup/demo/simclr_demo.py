# CPU-size SimCLR on the demo data: ResNet-18, 64 px, 16 images/process.
_base_ = ['../simclr.py', '../../_base_/datasets/demo_selfsup.py']

model = dict(
    backbone=dict(depth=18),
    neck=dict(in_channels=512, hid_channels=512, out_channels=128),
)

train_dataloader = dict(_delete_=True, **_base_.demo_train_dataloader)
train_cfg = _base_.demo_train_cfg
param_scheduler = _base_.demo_param_scheduler
default_hooks = _base_.demo_default_hooks
auto_scale_lr = dict(enable=False)
