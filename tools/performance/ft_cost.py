#!/usr/bin/env python
"""Time a training step of an algorithm in two variants, interleaved in one
process, and report the ratio.

``--compare ft`` (default): FT on vs off. With FT disabled, an FT
algorithm computes exactly its mmpretrain parent's loss
(tests/test_models/test_algorithms.py checks this).
``--compare record``: score-statistics recording (ScoreStatsCollector, as
used by ScoreStatsHook, host transfer every 10 steps) on vs off, FT on in
both.
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
    python tools/performance/ft_cost.py configs/selfsup/demo/mocov2_ft_demo.py
    # paper size: R50, 224 px, K=65536, batch 32 per GPU, AMP
    python tools/performance/ft_cost.py configs/selfsup/mocov2_ft.py \\
        --batch 32 --size 224 --amp
    # a sibling method against plain MoCo v2 / SimCLR
    python tools/performance/ft_cost.py configs/selfsup/demo/looc_demo.py \\
        --compare baseline --baseline configs/selfsup/demo/mocov2_demo.py
    python tools/performance/ft_cost.py \\
        configs/selfsup/hsg_simclr_cifar10.py \\
        --compare baseline --baseline configs/selfsup/simclr_cifar10.py \\
        --batch 128 --on-options model.num_single=16 model.num_pairs=16
"""

import warnings

# This process only: mmengine/mmcv import pkg_resources (kept by the
# setuptools pin), whose deprecation warning is noise to a user.
warnings.filterwarnings('ignore', message='pkg_resources is deprecated')

import argparse
import json
import os
import os.path as osp
import statistics
import sys
import time
from typing import Dict, List

try:
    from ftcl_mm.utils.cli import run_main
except ModuleNotFoundError as e:  # not the project's Python: one line
    sys.stderr.write(
        f'ft_cost.py: error: {e} in {sys.executable}; run the tools '
        'with the project interpreter .venv/bin/python '
        '(bash tools/setup_env.sh creates it)\n'
    )
    sys.exit(2)
from ftcl_mm.utils.cli import add_cfg_options
from ftcl_mm.utils.errors import UserInputError  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description='Step time and peak memory of two variants measured side '
        'by side in one process: FT on vs off, recording on vs off, A/A, or '
        'a sibling method vs a baseline config.'
    )
    p.add_argument(
        'config',
        help='an FT algorithm config (model.ft set), '
        'or any algorithm with --compare baseline',
    )
    p.add_argument(
        '--compare',
        choices=['ft', 'record', 'none', 'baseline'],
        default='ft',
        help='what the two variants differ in (default: ft); '
        '"none" runs two identical variants: the noise floor; '
        '"baseline": the --baseline config vs this one',
    )
    p.add_argument(
        '--baseline',
        help='with --compare baseline: config of the "off" '
        'variant, e.g. configs/selfsup/mocov2.py',
    )
    p.add_argument('--batch', type=int, default=16, help='images per step')
    p.add_argument(
        '--size',
        type=int,
        default=None,
        help='image side (default: the config crop or 224)',
    )
    p.add_argument(
        '--steps',
        type=int,
        default=3,
        help='timed steps per variant per round',
    )
    p.add_argument(
        '--rounds',
        type=int,
        default=5,
        help='alternating rounds (median over all steps)',
    )
    p.add_argument(
        '--warmup', type=int, default=2, help='untimed steps per variant first'
    )
    p.add_argument('--device', default='cuda' if _cuda() else 'cpu')
    p.add_argument(
        '--amp',
        action='store_true',
        help='autocast (fp16 on CUDA, bf16 on CPU)',
    )
    p.add_argument(
        '--threads',
        type=int,
        default=None,
        help='torch CPU threads (default: $FTCL_THREADS, else cores)',
    )
    p.add_argument('--json', help='append the result as a JSON line here')
    add_cfg_options(
        p,
        'config overrides key=value (both variants)',
    )
    add_cfg_options(
        p,
        'with --compare baseline: overrides of the "on" '
        'config only, e.g. model.num_single=16',
        flag='--on-options',
    )
    return p.parse_args(argv)


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def build_model(args, config=None, need_ft=True, extra=None):
    import torch
    from mmengine.config import Config
    from mmengine.model import revert_sync_batchnorm
    from mmpretrain.registry import MODELS

    import ftcl_mm  # noqa: F401

    config = config or args.config
    if not osp.isfile(config):
        raise UserInputError(f'config {config} does not exist')
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(args.cfg_options)
    cfg.merge_from_dict(extra or {})
    if need_ft and not cfg.model.get('ft'):
        raise UserInputError(
            'the config has no model.ft; '
            'pass an FT config such as '
            'configs/selfsup/mocov2_ft.py'
        )
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
        groups = (
            [ow[k] for k in ('encoder', 'generator', 'discriminator')]
            if 'encoder' in ow
            else [ow]
        )
        for group in groups:
            group['type'] = 'AmpOptimWrapper'
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return build(model, ow)


class StepBench:
    """The two variants of one comparison and their training step.

    ``ft``/``record``/``none``: one model and optimizer toggled between
    steps, trained with ``loss`` + backward + SGD on random views.
    ``baseline``: two models, each through its own ``train_step`` with its
    config's optimizer(s).
    """

    def __init__(self, args) -> None:
        import torch
        from mmengine.logging import MessageHub

        from ftcl_mm.models import FeatureTransform

        self.args = args
        self.two_models = args.compare == 'baseline'
        self.cfg, model = build_model(
            args, need_ft=not self.two_models, extra=args.on_options
        )
        # Past any warm-up (MoCHi reads the epoch from the runtime info).
        MessageHub.get_current_instance().update_info('epoch', 10**9)
        self.fts = [
            m for m in model.modules() if isinstance(m, FeatureTransform)
        ]
        self.size = args.size or _config_crop(self.cfg) or 224
        self.device = torch.device(args.device)
        self.dtype = (
            torch.float16 if self.device.type == 'cuda' else torch.bfloat16
        )
        self.models = {'on': model}
        self.gen = torch.Generator().manual_seed(0)
        if self.two_models:
            self._prepare_baseline()
        else:
            self.views = {k: self._views(m) for k, m in self.models.items()}
        self.opts = {
            k: torch.optim.SGD(m.parameters(), lr=1e-3, momentum=0.9)
            for k, m in self.models.items()
        }
        self.scaler = torch.amp.GradScaler(
            enabled=args.amp and self.device.type == 'cuda'
        )
        self.collector = None
        if args.compare == 'record':
            from ftcl_mm.engine import ScoreStatsCollector

            self.collector = ScoreStatsCollector(
                model, [self.opts['on']], model.backbone.parameters()
            )
        self.recorded_steps = 0

    def _n_views(self, model) -> int:
        # LooC: query, k_0 and one key per factor; other methods: 2 views.
        return getattr(model, 'num_spaces', 1) + 1

    def _views(self, model) -> list:
        import torch

        return [
            torch.randn(
                self.args.batch, 3, self.size, self.size, generator=self.gen
            ).to(self.device)
            for _ in range(self._n_views(model))
        ]

    def _prepare_baseline(self) -> None:
        """The baseline model, both optimizer wrappers and uint8 batches
        (each model's full train_step: data preprocessing, loss, update;
        HSG its 3-optimizer step)."""
        import torch
        from mmpretrain.structures import DataSample

        args = self.args
        cfg_off, self.models['off'] = build_model(
            args, args.baseline, need_ft=False
        )
        self.wrappers = dict(
            on=build_optim_wrapper(self.cfg, self.models['on'], args.amp),
            off=build_optim_wrapper(cfg_off, self.models['off'], args.amp),
        )
        shape = (args.batch, 3, self.size, self.size)
        self.batches = {
            k: dict(
                inputs=[
                    torch.randint(
                        0, 256, shape, generator=self.gen, dtype=torch.uint8
                    )
                    for _ in range(self._n_views(m))
                ],
                data_samples=[DataSample() for _ in range(args.batch)],
            )
            for k, m in self.models.items()
        }

    def set_variant(self, name: str) -> None:
        on = name == 'on'
        for ft in self.fts:
            ft.enabled = on or self.args.compare != 'ft'
        if self.collector is not None:
            self.collector.active = on

    def step(self, name: str) -> None:
        import torch

        if self.two_models:
            self.models[name].train_step(
                self.batches[name], self.wrappers[name]
            )
            return
        self.set_variant(name)
        self.opts[name].zero_grad(set_to_none=True)
        with torch.autocast(
            self.device.type, dtype=self.dtype, enabled=self.args.amp
        ):
            loss = self.models[name].loss(self.views[name], None)['loss']
        self.scaler.scale(loss).backward()
        self.scaler.step(self.opts[name])
        self.scaler.update()
        if self.collector is not None and name == 'on':
            # As ScoreStatsHook: a row per step, host transfer every 10.
            self.recorded_steps += 1
            self.collector.collect(self.recorded_steps, 0, loss)
            if self.recorded_steps % 10 == 0:
                self.collector.pop()

    def sync(self) -> None:
        import torch

        if self.device.type == 'cuda':
            torch.cuda.synchronize()

    def warm_up(self) -> Dict[str, float]:
        """Untimed steps per variant; returns peak MiB per variant (CUDA)."""
        import torch

        peak = {}
        for name in ('off', 'on'):
            for _ in range(self.args.warmup):
                self.step(name)
            self.sync()
            if self.device.type == 'cuda':
                torch.cuda.reset_peak_memory_stats()
                self.step(name)
                self.sync()
                peak[name] = torch.cuda.max_memory_allocated() / 2**20
        return peak

    def time_rounds(self) -> Dict[str, List[float]]:
        """Step times (s) per variant over alternating rounds."""
        args, times = self.args, {'off': [], 'on': []}
        for r in range(args.rounds):
            if self.two_models:
                # Two models drift apart in training and their step times
                # with them (CPU denormals): restart each round from one
                # backbone.
                self.models['off'].backbone.load_state_dict(
                    self.models['on'].backbone.state_dict()
                )
            for name in ('off', 'on') if r % 2 == 0 else ('on', 'off'):
                for _ in range(args.steps):
                    self.sync()
                    t0 = time.perf_counter()
                    self.step(name)
                    self.sync()
                    times[name].append(time.perf_counter() - t0)
            print(
                f'[benchmark] round {r + 1}/{args.rounds}: '
                f'off {statistics.median(times["off"]) * 1e3:.1f} ms, '
                f'on {statistics.median(times["on"]) * 1e3:.1f} ms',
                flush=True,
            )
        return times

    def describe(self) -> str:
        args, model = self.args, self.models['on']
        against = (
            (f' vs {type(self.models["off"]).__name__} ({args.baseline})')
            if self.two_models
            else ''
        )
        return (
            f'[benchmark] {osp.basename(args.config)}: '
            f'{type(model).__name__}{against}, compare {args.compare}, '
            f'batch {args.batch}, {self.size}px, device {self.device}, '
            f'amp {args.amp}; {args.rounds} rounds x {args.steps} steps '
            'per variant'
        )


def check_args(args) -> None:
    if args.compare == 'baseline' and not args.baseline:
        raise UserInputError(
            '--compare baseline needs '
            '--baseline CONFIG (e.g. configs/selfsup/mocov2.py)'
        )
    if args.compare == 'baseline' and args.amp and args.device == 'cpu':
        raise UserInputError(
            '--amp with --compare baseline needs CUDA (AmpOptimWrapper)'
        )


def report(
    args,
    bench: StepBench,
    times: Dict[str, List[float]],
    peak: Dict[str, float],
) -> dict:
    """Print the result as JSON and as a README table row; return it."""
    model = bench.models['on']
    med = {k: statistics.median(v) for k, v in times.items()}
    result = dict(
        config=args.config,
        algorithm=type(model).__name__,
        compare=args.compare,
        baseline=args.baseline,
        batch=args.batch,
        size=bench.size,
        device=_device_name(bench.device),
        amp=args.amp,
        queue_len=getattr(model, 'queue_len', None),
        step_ms_off=round(med['off'] * 1e3, 2),
        step_ms_on=round(med['on'] * 1e3, 2),
        ratio=round(med['on'] / med['off'], 4),
        peak_mib_off=round(peak['off'], 1) if peak else None,
        peak_mib_on=round(peak['on'], 1) if peak else None,
    )
    print(json.dumps(result))
    compare = (
        f'vs {type(bench.models["off"]).__name__}'
        if bench.two_models
        else args.compare
    )
    print(
        f'| {result["algorithm"]} | {compare} | {result["device"]} | '
        f'{args.batch} | '
        f'{bench.size} | {result["queue_len"] or "-"} | '
        f'{result["step_ms_off"]} | {result["step_ms_on"]} | '
        f'**{result["ratio"]:.3f}** | '
        f'{result["peak_mib_off"] or "-"} / {result["peak_mib_on"] or "-"} '
        '|'
    )
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    else:
        from ftcl_mm.utils.threads import configure_threads

        configure_threads()
    check_args(args)
    bench = StepBench(args)
    peak = bench.warm_up()
    print(bench.describe(), flush=True)
    result = report(args, bench, bench.time_rounds(), peak)
    if args.json:
        with open(args.json, 'a') as f:
            f.write(json.dumps(result) + '\n')
    return 0


def _config_crop(cfg):
    try:
        views = next(
            t
            for t in cfg.train_dataloader.dataset.pipeline
            if t['type'] in ('MultiView', 'LooCMultiView')
        )
        views = views.transforms
        # MultiView: a list of view pipelines; LooCMultiView: one pipeline.
        first = views[0][0] if isinstance(views[0], list) else views[0]
        return int(first['scale'])
    except (
        AttributeError,
        IndexError,
        KeyError,
        StopIteration,
        TypeError,
        ValueError,
    ):
        return None


def _device_name(device) -> str:
    import torch

    if device.type == 'cuda':
        return torch.cuda.get_device_name(device)
    return f'CPU ({os.cpu_count()} cores, {torch.get_num_threads()} threads)'


if __name__ == '__main__':
    sys.exit(run_main('ft_cost.py', main))
