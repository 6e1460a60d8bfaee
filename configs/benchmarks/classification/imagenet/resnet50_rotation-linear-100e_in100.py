# Rotation prediction (LooC's rotation-sensitivity evaluation): a linear
# classifier on the frozen R50 predicts which of 0/90/180/270 degrees an
# ImageNet-100 image was rotated by. Training rotations are random; the
# validation rotation of image i is (i mod 4) quarter turns (balanced and
# fixed). A rotation-variant space (LooC) should beat plain MoCo here.
#   tools/dist_train.sh configs/benchmarks/classification/imagenet/\
#       resnet50_rotation-linear-100e_in100.py 8 --pretrained r50.pth
_base_ = 'resnet50_linear-100e_in100.py'

model = dict(head=dict(num_classes=4, topk=(1,)))
train_dataloader = dict(
    dataset=dict(
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='RandomResizedCrop', scale=224, backend='pillow'),
            dict(type='RotationWithLabel'),
            dict(type='PackInputs'),
        ]
    )
)
val_dataloader = dict(
    dataset=dict(
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='ResizeEdge', scale=256, edge='short', backend='pillow'),
            dict(type='CenterCrop', crop_size=224),
            dict(type='RotationWithLabel', deterministic=True),
            dict(type='PackInputs'),
        ]
    )
)
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1,))
test_evaluator = val_evaluator
