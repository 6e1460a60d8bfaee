# The tiny detection benchmark, VOC: Faster R-CNN C4 on the tiny regime's
# backbone (ResNet-18 at width 16) trained on the generated VOC07+12 of the
# tiny regime's 10 shape classes (tools/make_demo_data.py: tiny_det/, 2 x
# 500 trainval images of 128 px, 2-5 shapes each, 200 test images). The
# real VOC C4 config (../voc0712) through the demo and tiny diffs, with the
# benchmark's data, native 128 px scale (112-144 in training) and a
# schedule that fits a few minutes of 2 CPU cores.
# The data root as data: mmengine's {{$VAR}} would paste $FTCL_DEMO_DATA into
# this file's source before running it. posix is the one environment module a
# plain (non-lazy) mmengine config may import; it is not kept in the config.
import posix

_base_ = 'faster-rcnn_r18w16-c4_tiny_voc.py'

data_root = (
    posix.environ.get(b'FTCL_DEMO_DATA') or b'data/demo'
).decode() + '/tiny_det/VOCdevkit/'
metainfo = dict(classes=_base_.tiny_det_classes)
custom_imports = dict(
    imports=[*_base_.custom_imports.imports, 'ftcl_mm.evaluation.voc_metric'],
    allow_failed_imports=False,
)
model = dict(roi_head=dict(bbox_head=dict(num_classes=10)))

train_pipeline = _base_.tiny_det_train_pipeline
test_pipeline = [
    dict(t, scale=(128, 128)) if t['type'] == 'Resize' else t
    for t in _base_.test_pipeline
]
train_dataloader = dict(
    batch_size=8,
    dataset=dict(
        datasets=[
            dict(
                type='VOCDataset',
                data_root=data_root,
                metainfo=metainfo,
                ann_file=f'VOC{year}/ImageSets/Main/trainval.txt',
                data_prefix=dict(sub_data_root=f'VOC{year}/'),
                filter_cfg=dict(filter_empty_gt=True, min_size=4),
                pipeline=train_pipeline,
            )
            for year in ('2007', '2012')
        ]
    ),
)
val_dataloader = dict(
    batch_size=8,
    dataset=dict(
        data_root=data_root, metainfo=metainfo, pipeline=test_pipeline
    ),
)
test_dataloader = val_dataloader
# AP50 (VOC07's 11-point AP at IoU 0.5) and the mean over IoU 0.5-0.95 as
# pascal_voc/mAP (COCO's stricter AP, from the same VOCMetric), matched in
# this process (mmdet's forks 4 workers per threshold; same numbers).
val_evaluator = dict(
    type='InProcessVOCMetric', iou_thrs=[0.5 + 0.05 * i for i in range(10)]
)
test_evaluator = val_evaluator

max_iter = 640
train_cfg = dict(max_iters=max_iter, val_interval=max_iter)
param_scheduler = [
    _base_.demo_det_warmup,
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_iter,
        by_epoch=False,
        milestones=[520],
        gamma=0.1,
    ),
]
optim_wrapper = dict(optimizer=dict(lr=0.02))
default_hooks = dict(
    logger=dict(interval=50), checkpoint=dict(interval=max_iter)
)
