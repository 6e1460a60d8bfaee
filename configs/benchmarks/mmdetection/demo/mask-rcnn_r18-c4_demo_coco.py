# CPU-size COCO transfer on the generated demo data: the real Mask R-CNN C4
# config with the demo overrides (_base_/det_demo.py).
# The data root as data: mmengine's {{$VAR}} would paste $FTCL_DEMO_DATA into
# this file's source before running it. posix is the one environment module a
# plain (non-lazy) mmengine config may import; it is not kept in the config.
import posix

_base_ = [
    '../coco/mask-rcnn_r50-c4_ms-1x_coco.py',
    '../../../_base_/det_demo.py',
]

data_root = (
    posix.environ.get(b'FTCL_DEMO_DATA') or b'data/demo'
).decode() + '/coco/'
metainfo = dict(classes=_base_.demo_det_classes)

model = dict(**_base_.demo_det_model)
model['roi_head'] = dict(
    model['roi_head'],
    mask_head=dict(
        in_channels=512,
        conv_out_channels=128,
        num_classes=len(_base_.demo_det_classes),
    ),
)
# The demo pipelines with masks.
train_pipeline = [
    dict(t, with_mask=True) if t['type'] == 'LoadAnnotations' else t
    for t in _base_.demo_det_train_pipeline
]
test_pipeline = [
    dict(t, with_mask=True) if t['type'] == 'LoadAnnotations' else t
    for t in _base_.demo_det_test_pipeline
]
train_dataloader = dict(
    **_base_.demo_det_loader,
    dataset=dict(
        data_root=data_root,
        metainfo=metainfo,
        filter_cfg=dict(filter_empty_gt=True, min_size=8),
        pipeline=train_pipeline,
    ),
)
val_dataloader = dict(
    **_base_.demo_det_loader,
    dataset=dict(
        data_root=data_root, metainfo=metainfo, pipeline=test_pipeline
    ),
)
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/instances_val2017.json')
test_evaluator = val_evaluator

max_epochs = 3
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    _base_.demo_det_warmup,
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_epochs,
        by_epoch=True,
        milestones=[2],
        gamma=0.1,
    ),
]
optim_wrapper = _base_.demo_det_optim_wrapper
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(interval=max_epochs)
)
