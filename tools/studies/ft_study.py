#!/usr/bin/env python
"""Measure Feature Transformation against its baseline over seeds.

For each method (``--methods``), FT variant (``--variants``: base, pos,
neg, both, dim) and seed, one *run* pretrains the method's config, converts
the final checkpoint to a backbone (``tools/convert_ckpt.py``) and
evaluates it with weighted kNN (``tools/benchmarks/knn_eval.py``) and a
linear probe: by default on the same cached features (``knn_eval.py
--linear``, seconds), with ``--linear-protocol full`` the linear config
through ``tools/train.py`` (the backbone every epoch, with augmentation;
higher cost, lower numbers: docs/reports/narratives/linear_probe.md). A
randomly
initialised backbone of the same architecture is evaluated once per seed
as the floor. Then it writes

* ``WORK_DIR/results.json``: every run (method, variant, seed, kNN and
  linear top-1, the final positive/negative score statistics, wall times)
  and, per method and variant, mean, std and the gain over ``base`` (paired
  by seed) with its std; random init's kNN/linear;
* ``WORK_DIR/results.md``: the same as tables;
* ``WORK_DIR/plots/``: ``accuracy.png`` (mean +- std per variant, random
  init as a line) and, per method, the score curves/waterfall/gradient
  landscape of the variants' first seed (``plot_scores.py``'s figures).

Every step writes its output atomically and is skipped when that output
exists, and an interrupted pretraining resumes from its last checkpoint:
run the same command again to continue. Runs go side by side only when
the cores allow it (``--jobs``, default: cores // threads per run); each
subprocess gets ``FTCL_THREADS`` = its share of the cores.

Examples:
    # tiny regime (CPU), 2 methods x 4 variants x 3 seeds
    # (docs/reports/narratives/ft_study)
    python tools/studies/ft_study.py --methods mocov2 simclr \\
        --variants base pos neg both --seeds 0 1 2 \\
        --work-dir work_dirs/ft_study
    # the minimal call
    python tools/studies/ft_study.py --methods mocov2 --variants base both \\
        --seeds 0 1 2 --work-dir work_dirs/ft_study_mocov2
    # the paper's ImageNet-100 configs, 8 GPUs per run
    python tools/studies/ft_study.py --scale in100 --gpus 8 \\
        --methods mocov2 --variants base pos neg both dim --seeds 0 1 2 \\
        --work-dir work_dirs/ft_study_in100
"""

import argparse
import sys

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.sweep import ft_study
from ftcl_mm.sweep.ft_study import SCALES
from ftcl_mm.utils.cli import add_seeds, positive_int, run_main


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description='Pretrain each method x FT variant x seed, convert, '
        'evaluate with kNN and linear probing (and random init), and '
        'report mean +- std and the gain of each variant over its base.'
    )
    p.add_argument(
        '--methods',
        nargs='+',
        default=['mocov2', 'simclr'],
        help='methods with configs at this scale (tiny and in100: mocov1 '
        'mocov2 simclr simsiam byol mochi looc loocpp hsg_mocov2 '
        'hsg_simclr; FT variants where the method has them); random: the '
        'random-init floor alone',
    )
    p.add_argument(
        '--variants',
        nargs='+',
        default=['base', 'both'],
        help='FT variants: base, pos, neg, both, dim (Table 7) or the name '
        'of an ablation config <method>_ft-NAME_tiny.py (default: base '
        'both)',
    )
    add_seeds(p, [0, 1, 2], 'seeds (distinct, >= 0)')
    p.add_argument(
        '--reference',
        default=None,
        metavar='METHOD',
        help="also report every run against this method's base, paired "
        'by seed (e.g. mocov2: the siblings against MoCo v2)',
    )
    p.add_argument(
        '--skip-missing',
        action='store_true',
        help='leave out method/variant pairs without a config (e.g. '
        '--variants base both over methods FT does not apply to) instead '
        'of stopping',
    )
    p.add_argument('--work-dir', required=True)
    p.add_argument(
        '--scale',
        choices=sorted(SCALES),
        default='tiny',
        help='tiny: CPU regime on generated data (default); '
        "in100: the paper's ImageNet-100 configs",
    )
    p.add_argument(
        '--eval',
        nargs='+',
        choices=['knn', 'linear'],
        default=['knn', 'linear'],
        help='evaluations to run',
    )
    p.add_argument(
        '--linear-protocol',
        choices=['cached', 'full'],
        default='cached',
        help='linear probe on features cached once by knn_eval.py '
        '(cached, default: seconds) or tools/train.py on the linear config '
        '(full: the backbone runs every epoch, with augmentation)',
    )
    p.add_argument(
        '--no-random-init',
        action='store_true',
        help='skip the random-init floor',
    )
    p.add_argument(
        '--gpus',
        type=positive_int,
        default=1,
        help='processes per run (>1 uses tools/dist_train.sh)',
    )
    p.add_argument(
        '--jobs',
        type=positive_int,
        default=None,
        help='runs side by side (default: cores // threads per '
        'run on CPU, 1 with --gpus > 1 or on a GPU machine)',
    )
    p.add_argument(
        '--threads',
        type=positive_int,
        default=None,
        help='intra-op threads per run (default: cores // jobs)',
    )
    p.add_argument(
        '--epochs',
        type=positive_int,
        default=None,
        help='override the pretraining epochs (also the cosine schedule)',
    )
    p.add_argument(
        '--data-root',
        default=None,
        help='root of the generated data (tiny: sets '
        'FTCL_DEMO_DATA; default data/demo, generated if '
        'missing)',
    )
    p.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        help='extra overrides for every pretraining run',
    )
    p.add_argument(
        '--dry-run', action='store_true', help='print the plan and exit'
    )
    p.add_argument(
        '--report-only',
        action='store_true',
        help='write results.md/.json and plots from the runs '
        'finished so far, without running the others',
    )
    return p.parse_args(argv)


def main(argv=None) -> int:
    return ft_study.run(parse_args(argv))


if __name__ == '__main__':
    sys.exit(run_main('ft_study.py', main))
