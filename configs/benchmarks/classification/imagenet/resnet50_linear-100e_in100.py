# Linear evaluation on ImageNet-100 (the paper's IN-100 numbers, e.g. MoCo
# v2 75.61 -> +FT 78.33 / 79.21 dim-level), read from an ImageNet-1k root
# whose val/ is sorted into <wnid>/ folders.
_base_ = 'resnet50_linear-100e_in1k.py'

model = dict(head=dict(num_classes=100))
train_dataloader = dict(dataset=dict(type='ImageNet100'))
val_dataloader = dict(dataset=dict(type='ImageNet100'))
test_dataloader = val_dataloader
