# SimSiam in the tiny regime: stop-gradient, no negatives; mmpretrain's
# 3-layer projector (last BN without affine) and bottleneck predictor at a
# quarter of the width, as the paper's 2048 -> 512 -> 2048: 512-d
# projection, 128-d predictor hidden layer. SGD lr 0.3 (solo-learn's
# SimSiam R18 recipe for batch 256; simclr_tiny.py's lr), weight decay 1e-4
# as the paper, the predictor's lr fixed (SimSiamHook). The paper's
# 0.05 x batch / 256 reached kNN 26.9 % at seed 0 (random init 27.6): the
# backbone's gradient norm fell from 0.5 to 0.01 within 200 of the 380
# steps while the loss sat at -0.76.
_base_ = ['../simsiam.py', '../../_base_/datasets/tiny_selfsup.py']

simsiam_tiny_lr = 0.3
model = dict(
    backbone=dict(**_base_.tiny_backbone),
    neck=dict(
        in_channels=_base_.tiny_feat_dim, hid_channels=512, out_channels=512
    ),
    head=dict(
        predictor=dict(in_channels=512, hid_channels=128, out_channels=512)
    ),
)
train_dataloader = dict(_delete_=True, **_base_.tiny_train_dataloader)
data_preprocessor = _base_.tiny_data_preprocessor
train_cfg = _base_.tiny_train_cfg
param_scheduler = _base_.tiny_param_scheduler
default_hooks = _base_.tiny_default_hooks
optim_wrapper = dict(optimizer=dict(lr=simsiam_tiny_lr))
custom_hooks = [
    dict(_base_.custom_hooks[0], lr=simsiam_tiny_lr),
    *_base_.custom_hooks[1:],
]
auto_scale_lr = dict(enable=False)
