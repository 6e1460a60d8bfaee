# Fine-grained transfer: full fine-tuning on FGVC-Aircraft (100 variants),
# same recipe as CUB. Paper (MoCo v2 -> +FT): 83.6 -> 84.1.
# Layout (official archive): data/fgvc_aircraft/data/{images/,
#   images_variant_{trainval,test}.txt, variants.txt}
_base_ = '../cub200/resnet50_finetune-100e_cub200.py'

data_root = 'data/fgvc_aircraft'
model = dict(head=dict(num_classes=100))
data_preprocessor = dict(num_classes=100)
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='FGVCAircraft',
        data_root=data_root,
        split='trainval',
        pipeline=_base_.train_pipeline,
    )
)
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='FGVCAircraft',
        data_root=data_root,
        split='test',
        pipeline=_base_.test_pipeline,
    )
)
test_dataloader = val_dataloader
