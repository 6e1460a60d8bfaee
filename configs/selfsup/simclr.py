# SimCLR (Chen et al. 2020): in-batch negatives, NT-Xent (tau=0.1), 2-layer
# projection head, LARS; ImageNet-1k, R50, 8x32, 200 epochs.
_base_ = 'mmpretrain::simclr/simclr_resnet50_8xb32-coslr-200e_in1k.py'

custom_imports = dict(imports=['ftcl_mm'], allow_failed_imports=False)
default_scope = 'mmpretrain'
# See mocov2.py: drop the ``_scope_`` a cross-package base injects.
train_dataloader = dict(collate_fn=dict(_delete_=True, type='default_collate'))
randomness = dict(seed=0, deterministic=False)

# SimCLRFT without ``ft`` is mmpretrain's SimCLR (bit-identical loss, tested)
# that also exposes score statistics, recorded by ScoreStatsHook.
model = dict(type='SimCLRFT')
custom_hooks = [dict(type='ScoreStatsHook')]
