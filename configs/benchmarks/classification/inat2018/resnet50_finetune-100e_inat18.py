# Fine-grained transfer: full fine-tuning on iNaturalist 2018 (8142
# species) at 224 px, 8 GPUs x 32, SGD lr 0.1 with cosine decay, 100 epochs.
# Paper (MoCo v1 -> +FT): 65.6 -> 67.3.
# Layout (official release): data/inat2018/{train2018.json, val2018.json,
#   train_val2018/<kingdom>/<id>/*.jpg}
_base_ = '../imagenet/resnet50_linear-100e_in1k.py'

data_root = 'data/inat2018'
model = dict(backbone=dict(frozen_stages=-1), head=dict(num_classes=8142))
data_preprocessor = dict(num_classes=8142)
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='INaturalist2018',
        data_root=data_root,
        split='train',
        pipeline=_base_.train_pipeline,
    )
)
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='INaturalist2018',
        data_root=data_root,
        split='val',
        pipeline=_base_.test_pipeline,
    )
)
test_dataloader = val_dataloader
optim_wrapper = dict(optimizer=dict(lr=0.1, weight_decay=1e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=100, by_epoch=True, begin=0, end=100)
]
