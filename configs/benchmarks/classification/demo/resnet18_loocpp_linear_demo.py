# CPU-size LooC++ linear evaluation on the demo classes: frozen R18 + LooC
# neck (3 spaces x 128, concatenated); input from convert_ckpt.py
# --with-neck of a looc*_demo run.
_base_ = 'resnet18_linear_demo.py'

num_spaces = 3
model = dict(
    backbone=dict(init_cfg=dict(prefix='backbone.')),
    neck=dict(
        _delete_=True,
        type='LooCNeck',
        in_channels=512,
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
