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

import argparse
import json
import sys

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.utils.cli import add_cfg_options, run_main


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
    p.add_argument(
        '--device', help='cuda or cpu (default: cuda if there is a GPU)'
    )
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


def main(argv=None) -> int:
    args = parse_args(argv)
    import torch

    if args.device is None:
        args.device = 'cuda' if torch.cuda.is_available() else 'cpu'

    if args.threads:
        torch.set_num_threads(args.threads)
    else:
        from ftcl_mm.utils.threads import configure_threads

        configure_threads()
    from ftcl_mm.engine import ft_cost

    ft_cost.check_args(args)
    bench = ft_cost.StepBench(args)
    peak = bench.warm_up()
    print(bench.describe(), flush=True)
    result = ft_cost.report(args, bench, bench.time_rounds(), peak)
    if args.json:
        with open(args.json, 'a') as f:
            f.write(json.dumps(result) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(run_main('ft_cost.py', main))
