# CPU-size VOC transfer on the generated demo data (tools/make_demo_data.py):
# the real VOC C4 config with the demo overrides (_base_/det_demo.py).
# The data root as data: mmengine's {{$VAR}} would paste $FTCL_DEMO_DATA into
# this file's source before running it. posix is the one environment module a
# plain (non-lazy) mmengine config may import; it is not kept in the config.
import posix

_base_ = [
    '../voc0712/faster-rcnn_r50-c4_ms-24k_voc0712.py',
    '../../../_base_/det_demo.py',
]

data_root = (
    posix.environ.get(b'FTCL_DEMO_DATA') or b'data/demo'
).decode() + '/VOCdevkit/'
metainfo = dict(classes=_base_.demo_det_classes)

model = _base_.demo_det_model
train_pipeline = _base_.demo_det_train_pipeline
test_pipeline = _base_.demo_det_test_pipeline
train_dataloader = dict(
    **_base_.demo_det_loader,
    dataset=dict(
        datasets=[
            dict(
                type='VOCDataset',
                data_root=data_root,
                metainfo=metainfo,
                ann_file=f'VOC{year}/ImageSets/Main/trainval.txt',
                data_prefix=dict(sub_data_root=f'VOC{year}/'),
                filter_cfg=dict(filter_empty_gt=True, min_size=8),
                pipeline=train_pipeline,
            )
            for year in ('2007', '2012')
        ]
    ),
)
val_dataloader = dict(
    **_base_.demo_det_loader,
    dataset=dict(
        data_root=data_root, metainfo=metainfo, pipeline=test_pipeline
    ),
)
test_dataloader = val_dataloader

max_iter = 30
train_cfg = dict(max_iters=max_iter, val_interval=max_iter)
param_scheduler = [
    _base_.demo_det_warmup,
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_iter,
        by_epoch=False,
        milestones=[24],
        gamma=0.1,
    ),
]
optim_wrapper = _base_.demo_det_optim_wrapper
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(interval=max_iter)
)
