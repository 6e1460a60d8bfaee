# SimSiam (Chen & He 2021): stop-gradient, predictor with fixed lr;
# ImageNet-1k, R50, 8x32, 200 epochs.
_base_ = 'mmpretrain::simsiam/simsiam_resnet50_8xb32-coslr-200e_in1k.py'

custom_imports = dict(imports=['ftcl_mm'], allow_failed_imports=False)
default_scope = 'mmpretrain'
train_dataloader = dict(collate_fn=dict(_delete_=True, type='default_collate'))
randomness = dict(seed=0, deterministic=False)

# SimSiamFT without ``ft`` is mmpretrain's SimSiam (bit-identical loss,
# tested) that also exposes score statistics, recorded by ScoreStatsHook.
model = dict(type='SimSiamFT')
custom_hooks = [
    dict(type='SimSiamHook', priority='HIGH', fix_pred_lr=True, lr=0.05),
    dict(type='ScoreStatsHook'),
]
