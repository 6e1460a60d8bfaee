"""Where the time of a self-supervised training step goes, against its
compute floor (library logic of ``tools/performance/profile_tiny.py``).

Parts, each timed on the config's real data and model, in one process:

* **pipeline**: every transform of the training pipeline per image / per
  view (loading, each view transform, packing);
* **collate**: ``default_collate`` of one batch;
* **batched view augmentation** (configs whose views carry
  ``view_params``, e.g. the tiny regime): the data preprocessor applying
  them to the batch, with both view backends side by side and how far
  their pixels differ per operation;
* **compute floor**: ``model.train_step`` (data preprocessor, forward,
  backward, optimizer) on one ready batch of augmented views, with forward
  (+ MoCo/BYOL's momentum encoder) timed on its own.

The tool adds a short ``tools/train.py`` run; its per-iteration time over
the floor is what the data pipeline, the loader and the hooks cost.
"""

import copy
import statistics
import time
from typing import Dict, List

from .profiling import time_transforms


def time_pipeline(dataset, samples: int) -> Dict[str, float]:
    """Mean ms per image of each pipeline stage; view transforms are
    summed over the views and also reported per view."""
    out, views = time_transforms(dataset, samples)
    out['total per image'] = sum(out.values())
    out['views per image'] = views
    return out


def _to_uint8(view, model):
    """Undo the preprocessor's normalisation and channel swap: the
    augmented views as the uint8 BGR batch a per-image pipeline gives."""
    import torch

    pre = model.data_preprocessor
    x = view * pre.std + pre.mean if pre._enable_normalize else view
    if pre._channel_conversion:
        x = x[:, [2, 1, 0]]
    return x.round().clamp(0, 255).to(torch.uint8)


def build(cfg):
    from mmengine.optim import build_optim_wrapper
    from mmpretrain.registry import DATASETS, MODELS

    dataset_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    if dataset_cfg.get('type') == 'ReproducibleDataset':
        dataset_cfg = dataset_cfg.dataset
    dataset = DATASETS.build(dataset_cfg)
    # As the Runner builds it: a top-level data_preprocessor goes in.
    model_cfg = copy.deepcopy(cfg.model)
    if cfg.get('data_preprocessor'):
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(model_cfg)
    model.init_weights()
    optim = build_optim_wrapper(model, copy.deepcopy(cfg.optim_wrapper))
    return dataset, model, optim


def time_steps(model, optim, data, steps: int) -> Dict[str, float]:
    """ms per ``train_step`` and per forward (loss) on a ready batch."""
    import torch

    model.train()
    for _ in range(2):  # warm-up: allocator, MoCo queue, BN buffers
        model.train_step(data, optim)
    step_ms: List[float] = []
    fwd_ms: List[float] = []
    for _ in range(steps):
        t0 = time.perf_counter()
        model.train_step(data, optim)
        step_ms.append(1000 * (time.perf_counter() - t0))
        t0 = time.perf_counter()
        with optim.optim_context(model):
            pre = model.data_preprocessor(data, True)
            losses = model._run_forward(pre, mode='loss')
        fwd_ms.append(1000 * (time.perf_counter() - t0))
        optim.zero_grad()
        del losses
    out = dict(
        step=statistics.median(step_ms), forward=statistics.median(fwd_ms)
    )
    # MoCo: encoder_k; BYOL: target_net (the keys' no-grad forward).
    momentum = getattr(model, 'encoder_k', None) or getattr(
        model, 'target_net', None
    )
    if momentum is not None:
        pre = model.data_preprocessor(data, True)
        view = pre['inputs'][1]
        times = []
        with torch.no_grad():
            for _ in range(steps):
                t0 = time.perf_counter()
                momentum(view)
                times.append(1000 * (time.perf_counter() - t0))
        out['momentum encoder forward'] = statistics.median(times)
    out['backward + update'] = out['step'] - out['forward']
    return out


def compare_view_backends(data: dict, steps: int) -> dict:
    """Both view backends on this batch: ms per step (side by side, same
    process) and the pixel differences per operation, on the batch's
    crops (the generated shapes) and on random noise with the same
    parameters (the worst case for hue)."""
    import numpy as np
    import torch

    from ftcl_mm.models.data_preprocessors import view_ops

    params = torch.as_tensor(
        np.stack([s.view_params for s in data['data_samples']])
    )
    views = data['inputs']
    ms = {}
    for backend in view_ops.BACKENDS:
        times = []
        for _ in range(steps + 1):  # the first one warms up
            t0 = time.perf_counter()
            for i, v in enumerate(views):
                view_ops.apply_view_params(v, params[:, i], backend)
            times.append(1000 * (time.perf_counter() - t0))
        ms[backend] = statistics.median(times[1:])
    noise = torch.randint(
        0, 256, views[0].shape, generator=torch.Generator().manual_seed(0)
    ).to(torch.uint8)
    return dict(
        ms=ms,
        diff_shapes=view_ops.compare_backends(views[0], params[:, 0]),
        diff_noise=view_ops.compare_backends(noise, params[:, 0]),
    )


def format_report(r: dict) -> str:
    pipe = dict(r['pipeline_ms_per_image'])
    views = pipe.pop('views per image')
    lines = [
        '| part | ms | per |',
        '|---|---|---|',
    ]
    for k, v in pipe.items():
        lines.append(f'| pipeline: {k} | {v:.2f} | image ({views:g} views) |')
    lines.append(
        f'| pipeline, whole batch (one process) | '
        f'{r["pipeline_ms_per_step"]:.0f} | step |'
    )
    lines.append(f'| collate | {r["collate_ms"]:.0f} | step |')
    if r['batched_augment_ms'] is not None:
        lines.append(
            '| batched view augmentation (data preprocessor) | '
            f'{r["batched_augment_ms"]:.0f} | step |'
        )
    backends = r.get('view_backends')
    if backends:
        for name, ms in backends['ms'].items():
            lines.append(
                f'| view augmentation, {name} backend | {ms:.0f} | step |'
            )
    for k, v in r['compute_ms'].items():
        lines.append(f'| compute: {k} | {v:.0f} | step |')
    if 'run_ms' in r:
        run = r['run_ms']
        lines.append(
            f'| tools/train.py ({run["iterations"]} logged intervals) | '
            f'{run["iteration"]:.0f} '
            f'(data_time {run["data_time"]:.0f}) | iteration |'
        )
        lines.append(
            f'| **run / compute floor** | **{r["run_over_floor"]:.2f}** | |'
        )
    if backends:
        lines += [
            '',
            '| operation | float - pil, shapes: max / mean / p99 | '
            'random noise: max / mean / p99 |',
            '|---|---|---|',
        ]
        for op, a in backends['diff_shapes'].items():
            b = backends['diff_noise'][op]
            lines.append(
                f'| {op} | {a["max"]:.0f} / {a["mean"]:.3f} / {a["p99"]:.0f}'
                f' | {b["max"]:.0f} / {b["mean"]:.3f} / {b["p99"]:.0f} |'
            )
    return '\n'.join(lines)


def profile(cfg, samples: int, steps: int) -> dict:
    """Profile ``cfg`` (a self-supervised config, merged and scoped)
    in-process: pipeline per view, collate, the batched view augmentation
    (both backends, with their pixel differences) and the compute floor.

    Returns:
        A JSON-ready dict (see :func:`format_report`).
    """
    from mmengine.dataset import default_collate

    dataset, model, optim = build(cfg)
    batch = int(cfg.train_dataloader.batch_size)
    pipe = time_pipeline(dataset, samples)
    items = [dataset[i % len(dataset)] for i in range(batch)]
    t0 = time.perf_counter()
    data = default_collate(items)
    collate_ms = 1000 * (time.perf_counter() - t0)
    augment_ms = None
    backends = None
    if 'view_params' in data['data_samples'][0]:
        # Batched view augmentation runs in the data preprocessor: time it
        # on its own, and keep it out of the floor (the model's compute on
        # ready views, as for per-image pipelines).
        times = []
        for _ in range(steps + 1):  # the first one warms up
            t0 = time.perf_counter()
            views = model.data_preprocessor(data, True)['inputs']
            times.append(1000 * (time.perf_counter() - t0))
        augment_ms = statistics.median(times[1:])
        backends = compare_view_backends(data, steps)
        for sample in data['data_samples']:
            del sample.view_params
        data = dict(data, inputs=[_to_uint8(v, model) for v in views])
    result = dict(
        batch=batch,
        pipeline_ms_per_image=pipe,
        pipeline_ms_per_step=pipe['total per image'] * batch,
        collate_ms=collate_ms,
        batched_augment_ms=augment_ms,
        compute_ms=time_steps(model, optim, data, steps),
    )
    if backends is not None:
        result['view_backends'] = backends
    return result
