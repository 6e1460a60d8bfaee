# Fine-grained linear evaluation on CUB-200-2011: frozen R50 (BN in eval
# mode), linear head, SGD without weight decay.
_base_ = 'resnet50_finetune-100e_cub200.py'

model = dict(backbone=dict(frozen_stages=4))
optim_wrapper = dict(optimizer=dict(lr=1.0, weight_decay=0.0))
