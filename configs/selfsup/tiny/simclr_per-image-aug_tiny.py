# simclr_tiny.py with the view augmentation applied image by image in the
# data worker (mmpretrain's transforms), as before the batched path: the
# same augmentation bit for bit (tests/test_models/test_view_ops.py), kept
# as the reference for tools/performance/profile_tiny.py.
_base_ = ['simclr_tiny.py']

train_dataloader = dict(dataset=dict(pipeline=_base_.tiny_per_image_pipeline))
data_preprocessor = dict(type='SelfSupDataPreprocessor')
