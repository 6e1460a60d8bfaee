# Fine-grained linear evaluation on iNaturalist 2018 (frozen R50, MoCo's
# linear protocol: SGD lr 30, no weight decay, steps at 60/80).
_base_ = '../imagenet/resnet50_linear-100e_in1k.py'

data_root = 'data/inat2018'
model = dict(head=dict(num_classes=8142))
data_preprocessor = dict(num_classes=8142)
train_dataloader = dict(dataset=dict(
    _delete_=True, type='INaturalist2018', data_root=data_root,
    split='train', pipeline=_base_.train_pipeline))
val_dataloader = dict(dataset=dict(
    _delete_=True, type='INaturalist2018', data_root=data_root, split='val',
    pipeline=_base_.test_pipeline))
test_dataloader = val_dataloader
