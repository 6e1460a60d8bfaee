# Fine-grained linear evaluation on iNaturalist 2018 (frozen R50, MoCo's
# linear protocol: SGD lr 30, no weight decay, steps at 60/80).
_base_ = 'resnet50_finetune-100e_inat18.py'

model = dict(backbone=dict(frozen_stages=4))
optim_wrapper = dict(optimizer=dict(lr=30.0, weight_decay=0.0))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[60, 80], gamma=0.1)
]
