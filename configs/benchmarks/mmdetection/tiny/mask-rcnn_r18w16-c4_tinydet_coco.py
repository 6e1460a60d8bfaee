# The tiny detection benchmark, COCO: Mask R-CNN C4 on the tiny regime's
# backbone (ResNet-18 at width 16) trained on the generated COCO of the
# tiny regime's 10 shape classes with polygon masks (tools/make_demo_data.py:
# tiny_det/coco, 500 train / 200 val images of 128 px, 2-5 shapes each).
# The real COCO C4 config (../coco) through the demo and tiny diffs, with
# the benchmark's data, native 128 px scale (112-144 in training) and a
# schedule that fits a few minutes of 2 CPU cores.
# The data root as data: mmengine's {{$VAR}} would paste $FTCL_DEMO_DATA into
# this file's source before running it. posix is the one environment module a
# plain (non-lazy) mmengine config may import; it is not kept in the config.
import posix

_base_ = 'mask-rcnn_r18w16-c4_tiny_coco.py'

data_root = (
    posix.environ.get(b'FTCL_DEMO_DATA') or b'data/demo'
).decode() + '/tiny_det/coco/'
metainfo = dict(classes=_base_.tiny_det_classes)
model = dict(
    roi_head=dict(
        bbox_head=dict(num_classes=10), mask_head=dict(num_classes=10)
    )
)

train_pipeline = [
    dict(t, with_mask=True) if t['type'] == 'LoadAnnotations' else t
    for t in _base_.tiny_det_train_pipeline
]
test_pipeline = [
    dict(t, scale=(128, 128)) if t['type'] == 'Resize' else t
    for t in _base_.test_pipeline
]
train_dataloader = dict(
    batch_size=8,
    dataset=dict(
        data_root=data_root,
        metainfo=metainfo,
        filter_cfg=dict(filter_empty_gt=True, min_size=4),
        pipeline=train_pipeline,
    ),
)
val_dataloader = dict(
    batch_size=8,
    dataset=dict(
        data_root=data_root, metainfo=metainfo, pipeline=test_pipeline
    ),
)
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/instances_val2017.json')
test_evaluator = val_evaluator

# Iterations, not epochs: 500 images are 63 steps of 8.
max_iter = 480
train_cfg = dict(
    _delete_=True,
    type='IterBasedTrainLoop',
    max_iters=max_iter,
    val_interval=max_iter,
)
param_scheduler = [
    _base_.demo_det_warmup,
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_iter,
        by_epoch=False,
        milestones=[400],
        gamma=0.1,
    ),
]
optim_wrapper = dict(optimizer=dict(lr=0.02))
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(by_epoch=False, interval=max_iter),
)
log_processor = dict(by_epoch=False)
