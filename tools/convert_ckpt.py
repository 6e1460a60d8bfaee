#!/usr/bin/env python
"""Convert a training checkpoint into a backbone-only file for transfer.

Examples:
    python tools/convert_ckpt.py work_dirs/mocov2_ft/epoch_200.pth r50.pth
    python tools/convert_ckpt.py CKPT r50_tv.pth --format torchvision
    python tools/convert_ckpt.py CKPT r50_d2.pkl --format detectron2
    python tools/convert_ckpt.py CKPT r50_k.pth --encoder momentum
    python tools/convert_ckpt.py LOOC_CKPT r50_spaces.pth --with-neck
"""

import argparse
import sys

import _stack  # noqa: F401  (first: one line outside the venv)

from ftcl_mm.utils.cli import run_main


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description='Extract the ResNet backbone of an ftcl_mm/mmpretrain '
        'training checkpoint (any algorithm) or re-key an extracted one. '
        'mmdet: {"state_dict", "meta"} for init_cfg=Pretrained of the '
        'backbone and the C4 shared head; torchvision: bare state dict of '
        'resnet*; detectron2: pickle of numpy arrays (stem/res2-5).'
    )
    p.add_argument('src', help='training checkpoint (.pth)')
    p.add_argument('dst', help='output file')
    p.add_argument(
        '--format',
        default='mmdet',
        choices=['mmdet', 'torchvision', 'detectron2'],
    )
    p.add_argument(
        '--encoder',
        default='online',
        choices=['online', 'momentum'],
        help='online backbone (default) or the momentum encoder '
        '(MoCo encoder_k, BYOL target)',
    )
    p.add_argument(
        '--with-neck',
        action='store_true',
        help='also keep the neck, keys backbone.*/neck.* for a '
        'classifier init_cfg (LooC++ concatenated spaces)',
    )
    p.add_argument(
        '--force',
        action='store_true',
        help='overwrite an existing output file',
    )
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from ftcl_mm.formats.backbone_ckpt import convert

    s = convert(
        args.src,
        args.dst,
        args.format,
        args.encoder,
        args.force,
        args.with_neck,
    )
    source = s['source_prefix']
    source = f"'{source}*'" if source.endswith('.') else source
    print(
        f'{args.dst}: {s["arch"]}, {s["tensors"]} tensors from {source} '
        f'of {args.src} (iter {s["iter"]}, epoch {s["epoch"]}), format '
        f'{s["format"]}'
    )
    return 0


if __name__ == '__main__':
    sys.exit(run_main('convert_ckpt.py', main))
