# Few-shot Flowers-102, 10 images per class (see the 5-shot config).
_base_ = 'resnet50_linear-5shot_flowers102.py'

shots = 10
train_dataloader = dict(dataset=dict(shots=shots))
