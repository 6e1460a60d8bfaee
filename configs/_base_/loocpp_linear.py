# What turns a linear-evaluation config into LooC++'s: the frozen backbone
# *and* LooC neck give the concatenation of all L2-normalised embedding
# spaces (3 x 128 for the looc*.py configs); only the linear head trains.
# Needs a file with backbone.* and neck.* keys (tools/convert_ckpt.py
# --with-neck). Names are prefixed ``loocpp_`` so this file can be a second
# base beside a linear config; set the neck's in/hid channels to the
# backbone's.
loocpp_num_spaces = 3
loocpp_model = dict(
    backbone=dict(init_cfg=dict(prefix='backbone.')),
    neck=dict(
        _delete_=True,
        type='LooCNeck',
        out_channels=128,
        num_spaces=loocpp_num_spaces,
        output='concat',
        init_cfg=dict(
            type='Pretrained',
            prefix='neck.',
            checkpoint='work_dirs/selfsup_backbone.pth',
        ),
    ),
    head=dict(in_channels=128 * loocpp_num_spaces),
)
# The neck is frozen like the backbone (it has no BN, so lr 0 suffices).
loocpp_optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'neck': dict(lr_mult=0.0, decay_mult=0.0)})
)
