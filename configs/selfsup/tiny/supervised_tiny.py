# Supervised pretraining in the tiny regime: the reference row of the
# downstream suite (LooC's and FT's papers put their self-supervised rows
# beside a supervised backbone). Everything but the labels and the loss is
# the regime's: ResNet-18 at width 16 trained from scratch on the same 5000
# training images, now with their 10 outline labels (cross-entropy), the
# same view augmentation (one view per image through the per-image
# transforms; the batched path serves the two-view self-supervised step),
# batch 256, SGD with a cosine schedule over 20 epochs, the online kNN
# learning curve. The held-out images are never trained on; the backbone is
# converted and evaluated exactly as every pretraining of the regime
# (tools/convert_ckpt.py, tools/benchmarks/knn_eval.py).
_base_ = ['../../benchmarks/classification/tiny/resnet18w16_linear_tiny.py']

# Trained end to end from a random initialisation (the linear benchmark
# freezes a pretrained backbone).
model = dict(backbone=dict(frozen_stages=-1, init_cfg=None))
train_dataloader = dict(
    batch_size=256,
    num_workers=1,
    persistent_workers=True,
    drop_last=True,
    dataset=dict(
        pipeline=[
            dict(type='LoadImageFromFile'),
            *_base_.tiny_view_pipeline,
            dict(type='PackInputs'),
        ]
    ),
)
# No validation during pretraining: the study evaluates the converted
# backbone (kNN, linear, suite) like every other row.
val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = None
test_evaluator = None
test_cfg = None
train_cfg = dict(_delete_=True, **_base_.tiny_train_cfg)
param_scheduler = _base_.tiny_param_scheduler
optim_wrapper = dict(optimizer=dict(lr=0.1, weight_decay=5e-4))
default_hooks = _base_.tiny_default_hooks
