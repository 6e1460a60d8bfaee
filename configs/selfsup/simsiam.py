# SimSiam (Chen & He 2021): stop-gradient, predictor with fixed lr;
# ImageNet-1k, R50, 8x32, 200 epochs.
_base_ = 'mmpretrain::simsiam/simsiam_resnet50_8xb32-coslr-200e_in1k.py'

custom_imports = dict(imports=['ftcl_mm'], allow_failed_imports=False)
default_scope = 'mmpretrain'
train_dataloader = dict(
    collate_fn=dict(_delete_=True, type='default_collate'))
randomness = dict(seed=0, deterministic=False)
