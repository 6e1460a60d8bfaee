"""What FT (or score recording, or a sibling method against its baseline)
costs per training step: two variants timed in alternating rounds in one
process (library logic of ``tools/performance/ft_cost.py``; see its
docstring for the comparisons).

The functions take the tool's parsed arguments (``config``,
``cfg_options``, ``compare``, ``baseline``, ``on_options``, ``batch``,
``size``, ``amp``, ``device``, ``rounds``, ``steps``...).
"""

import json
import os
import os.path as osp
import statistics
import time
from typing import Dict, List

from ..utils.errors import UserInputError


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
