# CPU-size rotation prediction on the demo classes (frozen R18, 64 px).
_base_ = 'resnet18_linear_demo.py'

model = dict(head=dict(num_classes=4))
train_dataloader = dict(
    dataset=dict(
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(
                type='RandomResizedCrop',
                scale=64,
                crop_ratio_range=(0.5, 1.0),
                backend='pillow',
            ),
            dict(type='RotationWithLabel'),
            dict(type='PackInputs'),
        ]
    )
)
val_dataloader = dict(
    dataset=dict(
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='ResizeEdge', scale=73, edge='short', backend='pillow'),
            dict(type='CenterCrop', crop_size=64),
            dict(type='RotationWithLabel', deterministic=True),
            dict(type='PackInputs'),
        ]
    )
)
test_dataloader = val_dataloader
