# CPU-size MoCo v1 on the demo data: ResNet-18, 64 px, linear 128-d head.
_base_ = ['../mocov1.py', '../../_base_/datasets/demo_selfsup.py']

model = dict(
    queue_len=256, backbone=dict(depth=18), neck=dict(in_channels=512)
)

train_dataloader = dict(_delete_=True, **_base_.demo_train_dataloader)
train_cfg = _base_.demo_train_cfg
param_scheduler = _base_.demo_param_scheduler
default_hooks = _base_.demo_default_hooks
auto_scale_lr = dict(enable=False)
