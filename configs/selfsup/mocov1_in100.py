# mocov1.py on ImageNet-100 (the paper's ablation setting: R50, 200
# epochs); the 100 classes are read from an ImageNet-1k root
# (data/imagenet/train/<wnid>/) by the ImageNet100 dataset. Queue K=16384.
_base_ = 'mocov1.py'

model = dict(queue_len=16384)
train_dataloader = dict(dataset=dict(type='ImageNet100'))
