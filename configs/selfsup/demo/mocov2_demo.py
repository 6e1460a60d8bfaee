# CPU-size MoCo v2 on the generated demo data (tools/make_demo_data.py):
# ResNet-18 at 64 px, 16 images per process, queue of 256 keys.
_base_ = ['../mocov2.py', '../../_base_/datasets/demo_selfsup.py']

model = dict(
    queue_len=256,
    backbone=dict(depth=18),
    neck=dict(in_channels=512, hid_channels=512),
)

train_dataloader = dict(_delete_=True, **_base_.demo_train_dataloader)
train_cfg = _base_.demo_train_cfg
param_scheduler = _base_.demo_param_scheduler
default_hooks = _base_.demo_default_hooks
optim_wrapper = dict(optimizer=dict(lr=0.06))
auto_scale_lr = dict(enable=False)
