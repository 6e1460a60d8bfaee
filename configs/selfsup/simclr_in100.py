# simclr.py on ImageNet-100 (R50, 200 epochs); the 100 classes are read
# from an ImageNet-1k root (data/imagenet/train/<wnid>/).
_base_ = 'simclr.py'

train_dataloader = dict(dataset=dict(type='ImageNet100'))
