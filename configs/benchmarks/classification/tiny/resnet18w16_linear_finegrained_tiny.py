# Linear evaluation on the tiny fine-grained task: the fine-tuning config
# with the backbone frozen (as the CUB linear config does), lr 1.0 and no
# weight decay. tools/benchmarks/downstream_suite.py runs the same probe on
# cached features.
_base_ = 'resnet18w16_finetune_finegrained_tiny.py'

model = dict(backbone=dict(frozen_stages=4))
optim_wrapper = dict(optimizer=dict(lr=1.0, weight_decay=0.0))
