# Linear evaluation, MoCo's protocol: frozen R50 backbone (BN in eval
# mode), linear classifier on average-pooled features, SGD lr 30, no weight
# decay, 100 epochs with steps at 60/80, 8 GPUs x 32 images.
# Paper (IN-1k 200ep pretraining): MoCo v2 67.5 -> +FT 69.6.
#   tools/dist_train.sh configs/benchmarks/classification/imagenet/\
#       resnet50_linear-100e_in1k.py 8 --pretrained r50.pth
# Layout: data/imagenet/{train,val}/ (+ meta/{train,val}.txt), as mmpretrain.
_base_ = (
    'mmpretrain::mocov2/benchmarks/resnet50_8xb32-linear-steplr-100e_in1k.py'
)

custom_imports = dict(imports=['ftcl_mm'], allow_failed_imports=False)
default_scope = 'mmpretrain'

# tools/convert_ckpt.py writes backbone keys without a 'backbone.' prefix.
model = dict(
    backbone=dict(
        init_cfg=dict(
            _delete_=True,
            type='Pretrained',
            checkpoint='work_dirs/selfsup_backbone.pth',
        )
    )
)
randomness = dict(seed=0)
