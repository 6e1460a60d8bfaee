"""Where the time of a two-stage detector's step goes, against its floor.

The detection counterpart of :mod:`.ssl_profile`: on a detection config's
real data and model (as the config initialises it; the tool's
``--pretrained`` sets the backbone), in one process,

* **pipeline**: every transform of the training and test pipelines, ms
  per image;
* **train floor**: ``model.train_step`` on one ready collated batch, with
  the forward split into its parts (backbone, RPN head and proposals,
  assigner and sampler, RoI extractor, the shared res5 head run per RoI,
  box head, mask head) by timing those calls in a separate forward;
* **test floor**: ``model.test_step`` on one ready validation batch, split
  the same way, with the number of proposals per image the RoI head sees;
* **metric**: the evaluator's ``process`` + ``evaluate`` on the
  predictions of those validation batches (per image);
* **full run** (optional): ``tools/train.py`` for a few iterations with
  validation at the end; mmengine's logged per-iteration ``time`` of the
  training and validation loops over their floors is what the loader,
  hooks and logging cost.

Library logic of ``tools/performance/profile_det.py``.
"""

import copy
import logging
import statistics
import time
from collections import defaultdict
from contextlib import contextmanager
from typing import Callable, Dict, Iterator, List, Sequence, Tuple

from .profiling import after_warmup, time_transforms

#: Calls timed inside a forward (dotted attribute paths on the detector;
#: absent ones, e.g. the mask head of Faster R-CNN, are skipped). Nested
#: parts are reported inside their parents, not added to them.
PARTS: Tuple[Tuple[str, str], ...] = (
    ('backbone', 'extract_feat'),
    ('rpn (train: loss + proposals)', 'rpn_head.loss_and_predict'),
    ('rpn (test: proposals)', 'rpn_head.predict'),
    ('roi head (train, all)', 'roi_head.loss'),
    ('roi head (test, all)', 'roi_head.predict'),
    ('  assigner', 'roi_head.bbox_assigner.assign'),
    ('  sampler', 'roi_head.bbox_sampler.sample'),
    ('  roi extractor', 'roi_head.bbox_roi_extractor.forward'),
    ('  shared res5 per RoI', 'roi_head.shared_head.forward'),
    ('  box head', 'roi_head.bbox_head.forward'),
    ('  mask head', 'roi_head.mask_head.forward'),
)


def _resolve(obj, path: str):
    """The object holding the last attribute of ``path`` and its name, or
    None where a part of the path does not exist."""
    *parents, name = path.split('.')
    for part in parents:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    if getattr(obj, name, None) is None:
        return None
    return obj, name


@contextmanager
def timed_parts(
    model, parts: Sequence[Tuple[str, str]] = PARTS
) -> Iterator[Dict[str, List[float]]]:
    """Wrap each part's call in a timer for the duration of the block.

    The wrappers are instance attributes, so ``module(x)`` (which looks up
    ``self.forward``) goes through them, and they are removed afterwards:
    the model is unchanged outside the block.

    Yields:
        part label -> seconds of every call made inside the block.
    """
    calls: Dict[str, List[float]] = defaultdict(list)
    patched = []
    for label, path in parts:
        found = _resolve(model, path)
        if found is None:
            continue
        owner, name = found
        original = getattr(owner, name)

        def wrapper(*args, _f=original, _label=label, **kwargs):
            t0 = time.perf_counter()
            try:
                return _f(*args, **kwargs)
            finally:
                calls[_label].append(time.perf_counter() - t0)

        owner.__dict__[name] = wrapper
        patched.append((owner, name))
    try:
        yield calls
    finally:
        for owner, name in patched:
            del owner.__dict__[name]


@contextmanager
def _quiet() -> Iterator[None]:
    """mmengine's current logger at WARNING for the block."""
    from mmengine.logging import MMLogger

    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``fn()`` in ms over ``repeats`` calls, after one
    warm-up call (allocator, lazily built anchors)."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - t0))
    return statistics.median(times)


def time_pipeline(dataset, samples: int) -> Dict[str, float]:
    """Mean ms per image of each transform of ``dataset``'s pipeline."""
    out, _ = time_transforms(dataset, samples)
    out['total'] = sum(out.values())
    return out


def _leaf_dataset(dataset):
    """The first real dataset under Concat/Repeat wrappers (it owns the
    pipeline and ``get_data_info``)."""
    while hasattr(dataset, 'datasets') or hasattr(dataset, 'dataset'):
        inner = getattr(dataset, 'datasets', None)
        dataset = inner[0] if inner else dataset.dataset
    return dataset


def _parts_ms(calls: Dict[str, List[float]], passes: int) -> Dict[str, float]:
    return {k: 1000 * sum(v) / passes for k, v in calls.items()}


def profile(cfg, samples: int, steps: int, val_batches: int) -> dict:
    """Profile ``cfg`` (an mmdet config, merged and scoped) in-process.

    Args:
        cfg: the resolved detection config.
        samples: images to time each pipeline on.
        steps: repetitions of each floor (median).
        val_batches: validation batches for the test floor and the metric.

    Returns:
        A JSON-ready dict: pipelines, floors with their parts, proposals
        per image, metric time.
    """
    import torch
    from mmdet.registry import DATASETS, MODELS
    from mmengine.dataset import pseudo_collate
    from mmengine.evaluator import Evaluator
    from mmengine.optim import build_optim_wrapper

    train_set = DATASETS.build(copy.deepcopy(cfg.train_dataloader.dataset))
    val_set = DATASETS.build(copy.deepcopy(cfg.val_dataloader.dataset))
    model = MODELS.build(copy.deepcopy(cfg.model))
    with _quiet():  # init_weights logs every parameter
        model.init_weights()
    optim = build_optim_wrapper(model, copy.deepcopy(cfg.optim_wrapper))

    batch = int(cfg.train_dataloader.batch_size)
    val_batch = int(cfg.val_dataloader.batch_size)
    result = dict(
        batch=batch,
        val_batch=val_batch,
        pipeline_train_ms=time_pipeline(_leaf_dataset(train_set), samples),
        pipeline_test_ms=time_pipeline(_leaf_dataset(val_set), samples),
    )
    data = pseudo_collate([train_set[i] for i in range(batch)])

    model.train()
    result['train_step_ms'] = median_ms(
        lambda: model.train_step(data, optim), steps
    )

    def forward_loss():
        with optim.optim_context(model):
            losses = model._run_forward(
                model.data_preprocessor(data, True), mode='loss'
            )
        optim.zero_grad()
        return losses

    result['train_forward_ms'] = median_ms(forward_loss, steps)
    with timed_parts(model) as calls:
        for _ in range(steps):
            forward_loss()
    result['train_parts_ms'] = _parts_ms(calls, steps)

    model.eval()
    val_data = [
        pseudo_collate(
            [
                val_set[(b * val_batch + i) % len(val_set)]
                for i in range(val_batch)
            ]
        )
        for b in range(val_batches)
    ]
    with torch.no_grad():
        result['test_step_ms'] = median_ms(
            lambda: model.test_step(val_data[0]), steps
        )
        proposals = []
        with timed_parts(model) as calls:
            # On top of the timer's wrapper; put back before it is removed.
            timed = model.rpn_head.predict

            def count(*args, **kwargs):
                out = timed(*args, **kwargs)
                proposals.extend(len(p) for p in out)
                return out

            model.rpn_head.__dict__['predict'] = count
            try:
                outputs = [model.test_step(d) for d in val_data]
            finally:
                model.rpn_head.__dict__['predict'] = timed
    result['test_parts_ms'] = _parts_ms(calls, val_batches)
    result['proposals_per_image'] = statistics.mean(proposals)

    evaluator = Evaluator(copy.deepcopy(cfg.val_evaluator))
    evaluator.dataset_meta = val_set.metainfo
    images = val_batches * val_batch
    t0 = time.perf_counter()
    with _quiet():  # VOCMetric logs a table per IoU threshold
        for d, out in zip(val_data, outputs):
            evaluator.process(out, d)
        evaluator.evaluate(images)
    result['metric_ms_per_image'] = 1000 * (time.perf_counter() - t0) / images
    return result


def run_ratios(result: dict, run: dict) -> dict:
    """The full run's per-iteration times over their floors."""
    return dict(
        train=run['train_iteration_ms'] / result['train_step_ms'],
        val=run['val_iteration_ms'] / result['test_step_ms'],
    )


def logged_times(rows: List[dict]) -> dict:
    """Mean per-iteration train and validation ``time`` of mmengine's
    logged rows (the first training interval, the warm-up, dropped where
    there is more than one)."""
    train = after_warmup([r for r in rows if 'loss' in r and 'time' in r])
    val = [r for r in rows if 'loss' not in r and 'time' in r]
    if not train or not val:
        raise ValueError('the run logged no training or validation time')
    return dict(
        train_iteration_ms=1000 * statistics.mean(r['time'] for r in train),
        train_data_ms=1000 * statistics.mean(r['data_time'] for r in train),
        val_iteration_ms=1000 * statistics.mean(r['time'] for r in val),
        train_intervals=len(train),
    )


def format_report(r: dict) -> str:
    """The profile as a markdown table (ms; per image or per step)."""
    rows = []
    pipelines = (('pipeline_train_ms', 'train'), ('pipeline_test_ms', 'test'))
    for key, per in pipelines:
        rows += [
            (f'pipeline ({per}): {k}', f'{v:.2f}', 'image')
            for k, v in r[key].items()
        ]
    train_step = f'step of {r["batch"]}'
    rows.append(
        ('**train floor: train_step**', f'**{r["train_step_ms"]:.0f}**',
         train_step)
    )  # fmt: skip
    rows.append(('train forward (loss)', f'{r["train_forward_ms"]:.0f}', ''))
    rows += [
        (f'train forward: {k}', f'{v:.0f}', '')
        for k, v in r['train_parts_ms'].items()
    ]
    rows.append(
        ('**test floor: test_step**', f'**{r["test_step_ms"]:.0f}**',
         f'step of {r["val_batch"]}')
    )  # fmt: skip
    rows += [
        (f'test: {k}', f'{v:.0f}', '') for k, v in r['test_parts_ms'].items()
    ]
    rows.append(
        ('test: proposals into the RoI head',
         f'{r["proposals_per_image"]:.0f}', 'image')
    )  # fmt: skip
    rows.append(
        ('metric (process + evaluate)', f'{r["metric_ms_per_image"]:.2f}',
         'image')
    )  # fmt: skip
    if 'run' in r:
        run, ratio = r['run'], r['run_over_floor']
        rows.append(
            ('tools/train.py: training iteration',
             f'{run["train_iteration_ms"]:.0f} (data_time '
             f'{run["train_data_ms"]:.0f})', train_step)
        )  # fmt: skip
        rows.append(
            ('tools/train.py: validation iteration',
             f'{run["val_iteration_ms"]:.0f}', f'step of {r["val_batch"]}')
        )  # fmt: skip
        rows.append(
            ('**run / floor: train, val**',
             f'**{ratio["train"]:.2f}, {ratio["val"]:.2f}**', '')
        )  # fmt: skip
    lines = ['| part | ms | per |', '|---|---|---|']
    lines += [f'| {a} | {b} | {c} |' for a, b, c in rows]
    return '\n'.join(lines)
