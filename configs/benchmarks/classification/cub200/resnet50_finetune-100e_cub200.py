# Fine-grained transfer: full fine-tuning of the pretrained R50 on
# CUB-200-2011 (mmpretrain's recipe: 448 px crops, 8 GPUs x 8, SGD lr 0.01,
# 100 epochs). Paper (MoCo v2 -> +FT): 82.9 -> 83.1.
# Layout (official archive): data/CUB_200_2011/{images/, images.txt,
#   image_class_labels.txt, train_test_split.txt, classes.txt}
#   tools/dist_train.sh configs/benchmarks/classification/cub200/\
#       resnet50_finetune-100e_cub200.py 8 --pretrained r50.pth
_base_ = 'mmpretrain::resnet/resnet50_8xb8_cub.py'

custom_imports = dict(imports=['ftcl_mm'], allow_failed_imports=False)
default_scope = 'mmpretrain'

# tools/convert_ckpt.py writes backbone keys without a prefix.
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
