# LooC++ linear evaluation in the tiny regime: the frozen tiny backbone and
# LooC neck (3 spaces x 128, concatenated and per-space normalised), input
# from tools/convert_ckpt.py --with-neck of a looc*_tiny run (the neck as in
# ../demo/resnet18_loocpp_linear_demo.py).
_base_ = 'resnet18w16_linear_tiny.py'

num_spaces = 3
model = dict(
    backbone=dict(init_cfg=dict(prefix='backbone.')),
    neck=dict(
        _delete_=True,
        type='LooCNeck',
        in_channels=_base_.tiny_feat_dim,
        hid_channels=512,
        out_channels=128,
        num_spaces=num_spaces,
        output='concat',
        init_cfg=dict(
            type='Pretrained',
            prefix='neck.',
            checkpoint='work_dirs/selfsup_backbone.pth',
        ),
    ),
    head=dict(in_channels=128 * num_spaces),
)
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'neck': dict(lr_mult=0.0, decay_mult=0.0)})
)
