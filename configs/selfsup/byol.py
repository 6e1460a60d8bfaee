# BYOL (Grill et al. 2020): EMA target network, predictor, LARS;
# ImageNet-1k, R50, 16x256, 200 epochs (mmpretrain's recipe).
_base_ = 'mmpretrain::byol/byol_resnet50_16xb256-coslr-200e_in1k.py'

custom_imports = dict(imports=['ftcl_mm'], allow_failed_imports=False)
default_scope = 'mmpretrain'
train_dataloader = dict(collate_fn=dict(_delete_=True, type='default_collate'))
randomness = dict(seed=0, deterministic=False)

# BYOLFT without ``ft`` is mmpretrain's BYOL (bit-identical loss, tested)
# that also exposes score statistics, recorded by ScoreStatsHook.
model = dict(type='BYOLFT')
custom_hooks = [dict(type='ScoreStatsHook')]
