#!/usr/bin/env python
"""Time a training step of an algorithm in two variants, interleaved in one
process, and report the ratio.

``--compare ft`` (default): FT on vs off. With FT disabled, an FT
algorithm computes exactly its mmpretrain parent's loss
(tests/test_models/test_algorithms.py checks this).
``--compare record``: score-statistics recording (ScoreRecorder, as used by
ScoreStatsHook, host transfer every 10 steps) on vs off, FT on in both.
``--compare none``: two identical variants (FT on), i.e. the A/A noise
floor of the machine, to read the other ratios against.
``--compare baseline --baseline CONFIG``: two *different* models, the
baseline config ("off", e.g. plain MoCo v2) against ``config`` ("on", e.g.
MoCHi, LooC or Hard Sample Generation), each timed through its full
``train_step`` (data preprocessing, loss, its config's optimizer(s); HSG:
discriminator, generator and encoder updates) on its own number of views
(LooC: query, k_0 and one key per factor). Runs are past any warm-up
(MoCHi mixes from the first step).

Both variants are the *same* model and optimizer, toggled between steps:
two copies drift apart in training and their step times with them (two
deep copies differed by 7% with identical code on CPU).

Steps are
forward + backward + SGD update on random images (data loading excluded),
in alternating rounds so that machine noise hits both variants alike.

Examples:
    # demo size (R18, 64 px, K=256)
    python tools/analysis/benchmark.py configs/selfsup/demo/mocov2_ft_demo.py
    # paper size: R50, 224 px, K=65536, batch 32 per GPU, AMP
    python tools/analysis/benchmark.py configs/selfsup/mocov2_ft.py \\
        --batch 32 --size 224 --amp
    # a sibling method against plain MoCo v2 / SimCLR
    python tools/analysis/benchmark.py configs/selfsup/demo/looc_demo.py \\
        --compare baseline --baseline configs/selfsup/demo/mocov2_demo.py
    python tools/analysis/benchmark.py configs/selfsup/hsg_simclr_cifar10.py \\
        --compare baseline --baseline configs/selfsup/simclr_cifar10.py \\
        --batch 128 --on-options model.num_single=16 model.num_pairs=16
"""
import argparse
import json
import os
import os.path as osp
import statistics
import sys
import time
import warnings

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))
warnings.filterwarnings('ignore', message='pkg_resources is deprecated')


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description='Step time and peak memory of two variants measured side '
        'by side in one process: FT on vs off, recording on vs off, A/A, or '
        'a sibling method vs a baseline config.')
    p.add_argument('config', help='an FT algorithm config (model.ft set), '
                   'or any algorithm with --compare baseline')
    p.add_argument('--compare', choices=['ft', 'record', 'none', 'baseline'],
                   default='ft',
                   help='what the two variants differ in (default: ft); '
                   '"none" runs two identical variants: the noise floor; '
                   '"baseline": the --baseline config vs this one')
    p.add_argument('--baseline',
                   help='with --compare baseline: config of the "off" '
                   'variant, e.g. configs/selfsup/mocov2.py')
    p.add_argument('--batch', type=int, default=16, help='images per step')
    p.add_argument('--size', type=int, default=None,
                   help='image side (default: the config crop or 224)')
    p.add_argument('--steps', type=int, default=3,
                   help='timed steps per variant per round')
    p.add_argument('--rounds', type=int, default=5,
                   help='alternating rounds (median over all steps)')
    p.add_argument('--warmup', type=int, default=2,
                   help='untimed steps per variant first')
    p.add_argument('--device', default='cuda' if _cuda() else 'cpu')
    p.add_argument('--amp', action='store_true',
                   help='autocast (fp16 on CUDA, bf16 on CPU)')
    p.add_argument('--threads', type=int, default=None,
                   help='torch CPU threads (default: $FTCL_THREADS, else cores)')
    p.add_argument('--json', help='append the result as a JSON line here')
    p.add_argument('--cfg-options', nargs='+', default=[],
                   help='config overrides key=value (both variants)')
    p.add_argument('--on-options', nargs='+', default=[],
                   help='with --compare baseline: overrides of the "on" '
                   'config only, e.g. model.num_single=16')
    return p.parse_args(argv)


def _cuda() -> bool:
    import torch
    return torch.cuda.is_available()


def build_model(args, config=None, need_ft=True, extra=()):
    import torch
    from mmengine.config import Config, DictAction
    from mmengine.model import revert_sync_batchnorm
    from mmpretrain.registry import MODELS

    import ftcl_mm  # noqa: F401

    config = config or args.config
    if not osp.isfile(config):
        raise SystemExit(f'benchmark.py: error: config {config} does '
                         'not exist')
    cfg = Config.fromfile(config)
    options = list(args.cfg_options) + list(extra)
    if options:
        ns = argparse.Namespace()
        DictAction(['--cfg-options'], 'opts')(None, ns, options)
        cfg.merge_from_dict(ns.opts)
    if need_ft and not cfg.model.get('ft'):
        raise SystemExit('benchmark.py: error: the config has no model.ft; '
                         'pass an FT config such as '
                         'configs/selfsup/mocov2_ft.py')
    cfg.model.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    torch.manual_seed(0)
    model = revert_sync_batchnorm(MODELS.build(cfg.model)).to(args.device)
    return cfg, model.train()


def build_optim_wrapper(cfg, model, amp: bool):
    """The config's own optimizer wrapper (one, or the HSG dict of
    three), as the Runner builds it."""
    import copy

    from mmengine.optim import build_optim_wrapper as build
    from mmengine.registry import DefaultScope
    ow = copy.deepcopy(cfg.optim_wrapper)
    if amp:
        groups = [ow[k] for k in ('encoder', 'generator', 'discriminator')
                  ] if 'encoder' in ow else [ow]
        for group in groups:
            group['type'] = 'AmpOptimWrapper'
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return build(model, ow)


def main(argv=None) -> int:
    args = parse_args(argv)
    import torch
    if args.threads:
        torch.set_num_threads(args.threads)
    else:
        from ftcl_mm.utils.threads import configure_threads
        configure_threads()
    two_models = args.compare == 'baseline'
    if two_models and not args.baseline:
        raise SystemExit('benchmark.py: error: --compare baseline needs '
                         '--baseline CONFIG (e.g. configs/selfsup/mocov2.py)')
    if two_models and args.amp and args.device == 'cpu':
        raise SystemExit('benchmark.py: error: --amp with --compare baseline '
                         'needs CUDA (AmpOptimWrapper)')
    cfg, model = build_model(args, need_ft=not two_models,
                             extra=args.on_options)
    from mmengine.logging import MessageHub

    from ftcl_mm.models import FeatureTransform

    # Past any warm-up (MoCHi reads the epoch from the runtime info).
    MessageHub.get_current_instance().update_info('epoch', 10**9)
    fts = [m for m in model.modules() if isinstance(m, FeatureTransform)]
    size = args.size or _config_crop(cfg) or 224
    device = torch.device(args.device)
    dtype = torch.float16 if device.type == 'cuda' else torch.bfloat16
    g = torch.Generator().manual_seed(0)

    def make_views(m):
        # LooC: query, k_0 and one key per factor; other methods: 2 views.
        n = getattr(m, 'num_spaces', 1) + 1
        return [torch.randn(args.batch, 3, size, size,
                            generator=g).to(device) for _ in range(n)]

    models = {'on': model}
    if two_models:
        # Each model's full training step (train_step) with its config's
        # optimizer(s): HSG runs its 3-optimizer step, the others
        # data preprocessing + loss + update.
        from mmpretrain.structures import DataSample
        cfg_off, models['off'] = build_model(args, args.baseline,
                                             need_ft=False)
        wrappers = dict(on=build_optim_wrapper(cfg, model, args.amp),
                        off=build_optim_wrapper(cfg_off, models['off'],
                                                args.amp))
        batches = {
            k: dict(inputs=[torch.randint(0, 256, (args.batch, 3, size, size),
                                          generator=g, dtype=torch.uint8)
                            for _ in range(getattr(m, 'num_spaces', 1) + 1)],
                    data_samples=[DataSample() for _ in range(args.batch)])
            for k, m in models.items()
        }
    else:
        views = {k: make_views(m) for k, m in models.items()}
    opts = {k: torch.optim.SGD(m.parameters(), lr=1e-3, momentum=0.9)
            for k, m in models.items()}
    opt = opts['on']
    scaler = torch.amp.GradScaler(enabled=args.amp and device.type == 'cuda')
    recorder = None
    if args.compare == 'record':
        from ftcl_mm.engine import ScoreRecorder
        recorder = ScoreRecorder(model, [opt], model.backbone.parameters())
    counter = [0]

    def set_variant(name):
        if two_models:
            return
        on = name == 'on'
        for ft in fts:
            ft.enabled = on or args.compare != 'ft'
            if recorder is not None:
                ft.record_scores = on
        if recorder is not None:
            recorder.active = on

    def step(name):
        if two_models:
            models[name].train_step(batches[name], wrappers[name])
            return
        set_variant(name)
        opts[name].zero_grad(set_to_none=True)
        with torch.autocast(device.type, dtype=dtype, enabled=args.amp):
            loss = models[name].loss(views[name], None)['loss']
        scaler.scale(loss).backward()
        scaler.step(opts[name])
        scaler.update()
        if recorder is not None and name == 'on':
            counter[0] += 1
            recorder.collect(counter[0], 0, loss)
            if counter[0] % 10 == 0:
                recorder.pop()

    def sync():
        if device.type == 'cuda':
            torch.cuda.synchronize()

    times = {'off': [], 'on': []}
    peak = {}
    for name in ('off', 'on'):
        for _ in range(args.warmup):
            step(name)
        sync()
        if device.type == 'cuda':
            torch.cuda.reset_peak_memory_stats()
            step(name)
            sync()
            peak[name] = torch.cuda.max_memory_allocated() / 2**20
    against = f' vs {type(models["off"]).__name__} ({args.baseline})' \
        if two_models else ''
    print(f'[benchmark] {osp.basename(args.config)}: {type(model).__name__}'
          f'{against}, compare {args.compare}, '
          f'batch {args.batch}, {size}px, device {device}, amp {args.amp}; '
          f'{args.rounds} rounds x {args.steps} steps per variant',
          flush=True)
    for r in range(args.rounds):
        if two_models:
            # Two models drift apart in training and their step times with
            # them (CPU denormals): restart each round from one backbone.
            models['off'].backbone.load_state_dict(
                models['on'].backbone.state_dict())
        for name in (('off', 'on') if r % 2 == 0 else ('on', 'off')):
            for _ in range(args.steps):
                sync()
                t0 = time.perf_counter()
                step(name)
                sync()
                times[name].append(time.perf_counter() - t0)
        print(f'[benchmark] round {r + 1}/{args.rounds}: '
              f'off {statistics.median(times["off"]) * 1e3:.1f} ms, '
              f'on {statistics.median(times["on"]) * 1e3:.1f} ms', flush=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    result = dict(
        config=args.config, algorithm=type(model).__name__,
        compare=args.compare, baseline=args.baseline, batch=args.batch,
        size=size, device=_device_name(device), amp=args.amp,
        queue_len=getattr(model, 'queue_len', None),
        step_ms_off=round(med['off'] * 1e3, 2),
        step_ms_on=round(med['on'] * 1e3, 2),
        ratio=round(med['on'] / med['off'], 4),
        peak_mib_off=round(peak['off'], 1) if peak else None,
        peak_mib_on=round(peak['on'], 1) if peak else None)
    print(json.dumps(result))
    compare = f'vs {type(models["off"]).__name__}' if two_models \
        else args.compare
    print(f'| {result["algorithm"]} | {compare} | {result["device"]} | '
          f'{args.batch} | '
          f'{size} | {result["queue_len"] or "-"} | {result["step_ms_off"]} '
          f'| {result["step_ms_on"]} | **{result["ratio"]:.3f}** | '
          f'{result["peak_mib_off"] or "-"} / {result["peak_mib_on"] or "-"} '
          '|')
    if args.json:
        with open(args.json, 'a') as f:
            f.write(json.dumps(result) + '\n')
    return 0


def _config_crop(cfg):
    try:
        views = next(t for t in cfg.train_dataloader.dataset.pipeline
                     if t['type'] in ('MultiView', 'LooCMultiView'))
        views = views.transforms
        # MultiView: a list of view pipelines; LooCMultiView: one pipeline.
        first = views[0][0] if isinstance(views[0], list) else views[0]
        return int(first['scale'])
    except (AttributeError, IndexError, KeyError, StopIteration, TypeError,
            ValueError):
        return None


def _device_name(device) -> str:
    import torch
    if device.type == 'cuda':
        return torch.cuda.get_device_name(device)
    return f'CPU ({os.cpu_count()} cores, {torch.get_num_threads()} threads)'


if __name__ == '__main__':
    sys.exit(main())
