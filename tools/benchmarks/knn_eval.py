#!/usr/bin/env python
"""Frozen-backbone evaluation on cached features: weighted kNN
(InstDisc/DINO protocol) and, with ``--linear``, a linear probe.

Features are the average-pooled last-stage activations of the converted
backbone on the *test* pipeline of a classification config (train and val
splits), computed once. kNN: each val image votes with its k nearest train
images (cosine) weighted by exp(cos / T); top-1 for several k. Linear
(``--linear``): the config's head, optimizer, schedule, epochs and batch
size trained on the cached training features (no augmentation; see
``ftcl_mm/evaluation/linear_probe.py``), in seconds instead of re-running
the backbone every epoch.

Example:
    C=configs/benchmarks/classification/imagenet
    python tools/benchmarks/knn_eval.py \\
        $C/resnet50_linear-100e_in100.py \\
        --pretrained r50.pth --k 10 20 100 --linear --out work_dirs/knn.json
"""

import argparse
import os.path as osp
import sys
import time

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.utils.cli import add_cfg_options, run_main


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description='Weighted kNN top-1 of a frozen backbone on the train/'
        'val splits of a classification benchmark config.'
    )
    p.add_argument('config', help='classification benchmark config')
    p.add_argument(
        '--pretrained',
        required=True,
        help='backbone from tools/convert_ckpt.py, or "none"',
    )
    p.add_argument(
        '--k',
        type=int,
        nargs='+',
        default=[20],
        help='numbers of neighbours (default: 20)',
    )
    p.add_argument('--temperature', type=float, default=0.07)
    p.add_argument(
        '--linear',
        action='store_true',
        help="also train the config's linear head on the cached features "
        '(result: linear_top1)',
    )
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--device', default=None)
    p.add_argument('--out', help='write the result as JSON here')
    add_cfg_options(
        p,
        'config overrides key=value',
    )
    return p.parse_args(argv)


def check_args(args: argparse.Namespace) -> None:
    """Ranges and paths of the options, before any feature is computed.

    Raises:
        ConfigError: naming the option and a valid value.
    """
    import math

    import torch

    from ftcl_mm.utils.errors import ConfigError

    bad_k = [k for k in args.k if k < 1]
    if bad_k:
        raise ConfigError(
            f'--k must be >= 1 (neighbours), got {bad_k[0]}; e.g. --k 20'
        )
    if len(set(args.k)) != len(args.k):
        raise ConfigError(f'--k lists a value twice: {args.k}')
    if not (math.isfinite(args.temperature) and args.temperature > 0):
        raise ConfigError(
            '--temperature must be a finite number > 0 (it divides the '
            f'similarities), got {args.temperature}; e.g. 0.07'
        )
    if args.batch_size < 1:
        raise ConfigError(
            f'--batch-size must be >= 1, got {args.batch_size}; e.g. 64'
        )
    if args.out and osp.isdir(args.out):
        raise ConfigError(
            f'--out {args.out} is a directory; pass a file name, e.g. '
            f'{osp.join(args.out, "knn.json")}'
        )
    if args.device:
        try:
            device = torch.device(args.device)
        except RuntimeError:
            raise ConfigError(
                f"--device '{args.device}' is not a device; use cpu or cuda"
            ) from None
        if device.type == 'cuda' and not torch.cuda.is_available():
            raise ConfigError(
                f'--device {args.device}: this machine has no CUDA GPU; '
                'use --device cpu (or leave --device out)'
            )


def main(argv=None) -> int:
    args = parse_args(argv)
    from ftcl_mm.utils.errors import ConfigError
    from ftcl_mm.utils.threads import configure_threads

    check_args(args)
    try:
        threads = configure_threads()
    except ValueError as e:
        raise ConfigError(str(e)) from None
    import torch

    import ftcl_mm  # noqa: F401
    from ftcl_mm.engine import check_config
    from ftcl_mm.engine.frozen_model import (
        build_frozen_model,
        check_backbone_file,
    )
    from ftcl_mm.engine.train_setup import check_data_paths, load_config
    from ftcl_mm.evaluation import (
        effective_rank,
        extract_features,
        knn_top1,
        linear_probe_top1,
    )

    cfg = load_config(args.config)
    file_keys = set(cfg.keys())
    cfg.merge_from_dict(args.cfg_options or {})
    check_config(
        cfg, file_keys=file_keys, option_keys=list(args.cfg_options or {})
    )
    check_backbone_file(cfg, args.pretrained)
    check_data_paths(cfg, ('train_dataloader', 'val_dataloader'))
    model = build_frozen_model(
        cfg, int((cfg.get('randomness') or {}).get('seed', 0))
    )
    device = torch.device(
        args.device or ('cuda' if torch.cuda.is_available() else 'cpu')
    )
    model.to(device).eval()
    # Both splits through the deterministic test pipeline.
    test_pipeline = cfg.val_dataloader.dataset.pipeline
    train_ds = dict(cfg.train_dataloader.dataset, pipeline=test_pipeline)
    t0 = time.time()
    tr_f, tr_l, n_cls = extract_features(
        model, train_ds, args.batch_size, device
    )
    va_f, va_l, _ = extract_features(
        model, cfg.val_dataloader.dataset, args.batch_size, device
    )
    result = dict(
        config=args.config,
        pretrained=args.pretrained,
        temperature=args.temperature,
        train=len(tr_f),
        val=len(va_f),
        # How many directions the train features use (RankMe): a
        # collapsed backbone is low here whatever its accuracy.
        effective_rank=round(effective_rank(tr_f), 2),
        feature_dim=int(tr_f.shape[1]),
        top1={},
    )
    print(
        f'[knn_eval] effective rank of the train features: '
        f'{result["effective_rank"]:.1f} of {result["feature_dim"]}'
    )
    for k in args.k:
        acc = knn_top1(tr_f, tr_l, va_f, va_l, k, args.temperature, n_cls)
        result['top1'][str(k)] = round(acc, 3)
        print(
            f'[knn_eval] k={k}: top-1 {acc:.2f}% ({len(va_f)} val, '
            f'{len(tr_f)} train images)'
        )
    if args.linear:
        seed = int((cfg.get('randomness') or {}).get('seed', 0))
        acc = linear_probe_top1(cfg, tr_f, tr_l, va_f, va_l, seed=seed)
        result['linear_top1'] = round(acc, 3)
        print(
            f'[knn_eval] linear probe on cached features: top-1 {acc:.2f}% '
            f'({cfg.train_cfg.max_epochs} epochs)'
        )
    print(f'[knn_eval] {time.time() - t0:.1f}s ({threads} threads)')
    if args.out:
        from ftcl_mm.utils.fileio import write_json

        write_json(args.out, result)
    return 0


if __name__ == '__main__':
    sys.exit(run_main('knn_eval.py', main))
