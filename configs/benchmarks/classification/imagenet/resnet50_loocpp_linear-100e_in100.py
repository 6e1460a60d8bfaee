# LooC++ linear evaluation on ImageNet-100: the frozen R50 and LooC neck
# give the concatenation of all L2-normalised embedding spaces (3 x 128
# for looc.py); only the linear head trains. Needs a file with backbone.*
# and neck.* keys:
#   python tools/convert_ckpt.py work_dirs/loocpp/epoch_500.pth \
#       r50_looc_spaces.pth --with-neck
#   tools/dist_train.sh configs/benchmarks/classification/imagenet/\
#       resnet50_loocpp_linear-100e_in100.py 8 --pretrained r50_looc_spaces.pth
_base_ = 'resnet50_linear-100e_in100.py'

num_spaces = 3
model = dict(
    backbone=dict(init_cfg=dict(prefix='backbone.')),
    neck=dict(
        _delete_=True,
        type='LooCNeck',
        in_channels=2048,
        hid_channels=2048,
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
# The neck is frozen like the backbone (it has no BN, so lr 0 suffices).
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'neck': dict(lr_mult=0.0, decay_mult=0.0)})
)
