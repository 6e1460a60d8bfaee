# Fine-grained linear evaluation on FGVC-Aircraft (frozen R50).
_base_ = 'resnet50_finetune-100e_aircraft.py'

model = dict(backbone=dict(frozen_stages=4))
optim_wrapper = dict(optimizer=dict(lr=1.0, weight_decay=0.0))
