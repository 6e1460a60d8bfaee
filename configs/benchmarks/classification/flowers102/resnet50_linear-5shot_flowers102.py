# Few-shot Flowers-102 (LooC's fine-grained evaluation): a linear classifier
# on the frozen R50, trained on 5 images per class of the trainval split
# (FewShotDataset, seeded), evaluated on the 6149 test images.
# Layout (mmpretrain Flowers102): data/flowers102/{jpg/, imagelabels.mat,
# setid.mat}. Average over seeds: --cfg-options
# train_dataloader.dataset.seed=S (tools/benchmarks/run_seeds.py).
#   python tools/train.py configs/benchmarks/classification/flowers102/\
#       resnet50_linear-5shot_flowers102.py --pretrained r50.pth
_base_ = '../imagenet/resnet50_linear-100e_in1k.py'

shots = 5
data_root = 'data/flowers102/'
model = dict(head=dict(num_classes=102, topk=(1, 5)))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, backend='pillow'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
# 1 process x 32 images: 510 (5-shot) or 1020 (10-shot) training images.
train_dataloader = dict(
    batch_size=32,
    drop_last=False,
    dataset=dict(
        _delete_=True,
        type='FewShotDataset',
        shots=shots,
        seed=0,
        dataset=dict(
            type='Flowers102',
            data_root=data_root,
            split='trainval',
            pipeline=train_pipeline,
        ),
    ),
)
val_dataloader = dict(
    batch_size=64,
    dataset=dict(
        _delete_=True,
        type='Flowers102',
        data_root=data_root,
        split='test',
        pipeline=test_pipeline,
    ),
)
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, 5))
test_evaluator = val_evaluator

max_epochs = 100
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs,
        by_epoch=True,
        begin=0,
        end=max_epochs,
    )
]
optim_wrapper = dict(optimizer=dict(lr=10.0, weight_decay=0.0))
auto_scale_lr = dict(enable=False)
