#!/usr/bin/env python
"""Train an mmpretrain (self-supervised) or mmdet config with mmengine.

The same entry point serves both packages: the config's ``default_scope``
picks the registries. On a machine without CUDA, ``--launcher pytorch``
(what ``tools/dist_train.sh`` uses) runs one CPU process per rank over the
gloo backend.

Examples:
    python tools/train.py configs/selfsup/demo/mocov2_demo.py
    tools/dist_train.sh configs/selfsup/mocov2_ft.py 8
"""

import argparse
import os
import sys

import _stack  # noqa: F401  (first: one line outside the venv)

import ftcl_mm  # noqa: F401  (compat layer + registrations)
from ftcl_mm.engine.train_setup import prepare_training
from ftcl_mm.engine.work_dir import lock_work_dir
from ftcl_mm.utils.cli import add_cfg_options, run_main
from ftcl_mm.utils.errors import ConfigError


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Train a self-supervised (mmpretrain) or detection '
        '(mmdet) model from a config file.'
    )
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--work-dir',
        help='directory for logs and checkpoints (default: '
        'work_dirs/<config name>)',
    )
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or from the latest '
        'checkpoint in the work dir if no path is given',
    )
    parser.add_argument(
        '--new-run',
        action='store_true',
        help='the work dir holds a run: start a new one beside it, in '
        '<work dir>/run_<date>_<time> (without --resume or --new-run such '
        'a work dir is refused)',
    )
    parser.add_argument(
        '--amp',
        action='store_true',
        help='enable automatic mixed precision training',
    )
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the lr by the actual total batch size',
    )
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='skip validation during training',
    )
    parser.add_argument(
        '--pretrained',
        metavar='PATH',
        help='checkpoint for every Pretrained init_cfg of the model (the '
        'backbone and, for C4 detectors, the res5 shared head), e.g. from '
        'tools/convert_ckpt.py; "none" for random initialisation',
    )
    add_cfg_options(
        parser,
        'override config entries, e.g. '
        'train_dataloader.batch_size=8 model.backbone.depth=18',
    )
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher',
    )
    parser.add_argument(
        '--debug',
        action='store_true',
        help='show the full traceback of a configuration or data error '
        '(also: FTCL_DEBUG=1)',
    )
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmengine.registry import RUNNERS

    from ftcl_mm.engine import AtomicCheckpointRunner
    from ftcl_mm.utils.threads import configure_threads

    try:
        # One process per rank shares the cores (torchrun sets
        # LOCAL_WORLD_SIZE); see ftcl_mm/utils/threads.py.
        threads = configure_threads()
    except ValueError as e:
        raise ConfigError(str(e)) from None
    cfg = prepare_training(
        args.config,
        args.cfg_options,
        work_dir=args.work_dir,
        launcher=args.launcher,
        amp=args.amp,
        resume=args.resume,
        auto_scale_lr=args.auto_scale_lr,
        no_validate=args.no_validate,
        pretrained=args.pretrained,
        new_run=args.new_run,
    )
    # Held until this process ends: a second training in this work dir
    # is refused while this one runs.
    lock_work_dir(cfg.work_dir)

    # A config's own runner_type wins (mmengine's convention); ours only
    # changes where checkpoint bytes land (temp file, fsync, rename).
    runner = (
        RUNNERS.build(cfg)
        if 'runner_type' in cfg
        else AtomicCheckpointRunner.from_cfg(cfg)
    )
    runner.logger.info(
        f'intra-op threads per process: {threads} ($FTCL_THREADS to override)'
    )
    runner.train()
    return 0


if __name__ == '__main__':
    sys.exit(run_main('train.py', main))
