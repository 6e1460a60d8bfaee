# MoCo v2 baseline (Chen et al. 2020), the paper's MoCo v2 setting:
# ImageNet-1k, ResNet-50, 8 GPUs x 32 images, 200 epochs, SGD lr 0.03 with
# cosine decay, queue K=65536, momentum m=0.999 (mmpretrain's
# ``momentum=0.001`` is 1 - m), temperature 0.2.
_base_ = 'mmpretrain::mocov2/mocov2_resnet50_8xb32-coslr-200e_in1k.py'

custom_imports = dict(imports=['ftcl_mm'], allow_failed_imports=False)
default_scope = 'mmpretrain'

# A cross-package ``_base_`` injects ``_scope_`` into every typed dict,
# which ``default_collate`` does not accept: redefine it without one.
train_dataloader = dict(collate_fn=dict(_delete_=True, type='default_collate'))

# Fixed seed: FT draws its lambdas from a generator seeded by the run seed,
# identical on every rank.
randomness = dict(seed=0, deterministic=False)

# MoCoFT without ``ft`` is mmpretrain's MoCo (bit-identical loss, tested)
# that also exposes score statistics, recorded by ScoreStatsHook.
model = dict(type='MoCoFT')
custom_hooks = [dict(type='ScoreStatsHook')]
