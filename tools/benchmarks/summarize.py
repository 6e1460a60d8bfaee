#!/usr/bin/env python
"""Collect the final validation metrics of several runs into one table.

Example:
    python tools/benchmarks/summarize.py --out work_dirs/demo/summary \\
        voc_pretrained=work_dirs/demo/voc_pretrained \\
        voc_random=work_dirs/demo/voc_random
Writes SUMMARY.md and SUMMARY.json (atomically).
"""
import argparse
import glob
import json
import os
import os.path as osp
import sys


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description='Final validation metrics (from mmengine\'s '
        'scalars.json) and artifacts of NAME=WORK_DIR runs, as markdown (main '
        'metrics) and JSON (all metrics).')
    p.add_argument('runs', nargs='+', metavar='NAME=WORK_DIR')
    p.add_argument('--out', required=True,
                   help='output path without extension (.md and .json)')
    p.add_argument('--title', default='ftcl_mm results')
    p.add_argument('--note', action='append', default=[],
                   help='extra line under the title (repeatable)')
    return p.parse_args(argv)


#: Metrics shown in the markdown table when present (JSON has them all).
MAIN_METRICS = ('pascal_voc/mAP', 'pascal_voc/AP50', 'coco/bbox_mAP',
                'coco/bbox_mAP_50', 'coco/segm_mAP', 'coco/segm_mAP_50',
                'accuracy/top1', 'accuracy/top5', 'knn/top1_k20')


def final_metrics(work_dir: str) -> dict:
    """Last value of every evaluation metric (keys with a '/'), and the
    kNN top-1 of ``work_dir/knn.json`` (tools/benchmarks/knn_eval.py
    ``--out``) as ``knn/top1_k{k}``."""
    metrics = {}
    knn = osp.join(work_dir, 'knn.json')
    if osp.isfile(knn):
        with open(knn) as fh:
            metrics.update({f'knn/top1_k{k}': v
                            for k, v in json.load(fh)['top1'].items()})
    for f in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                       'scalars.json'))):
        with open(f) as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    metrics.update({k: v for k, v in row.items()
                                    if '/' in k and not k.startswith(
                                        'scores/')})
    return metrics


def last_checkpoint(work_dir: str):
    path = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(path):
        with open(path) as f:
            return f.read().strip()
    return None


def main(argv=None) -> int:
    args = parse_args(argv)
    results = []
    for item in args.runs:
        if '=' not in item:
            print(f'summarize.py: error: {item!r} is not NAME=WORK_DIR',
                  file=sys.stderr)
            return 2
        name, work_dir = item.split('=', 1)
        if not osp.isdir(work_dir):
            print(f'summarize.py: error: {work_dir} does not exist',
                  file=sys.stderr)
            return 2
        results.append(dict(name=name, work_dir=work_dir,
                            checkpoint=last_checkpoint(work_dir),
                            metrics=final_metrics(work_dir)))
    lines = [f'# {args.title}', ''] + [f'{n}  ' for n in args.note]
    lines += ['', '| run | metric | value | work dir |', '|---|---|---|---|']
    for r in results:
        if not r['metrics']:
            lines.append(f'| {r["name"]} | (no evaluation) | | '
                         f'`{r["work_dir"]}` |')
        shown = {k: v for k, v in r['metrics'].items()
                 if k in MAIN_METRICS} or r['metrics']
        for k, v in sorted(shown.items()):
            lines.append(f'| {r["name"]} | {k} | {v:.4f} | '
                         f'`{r["work_dir"]}` |')
    lines += ['', '| run | final checkpoint |', '|---|---|']
    lines += [f'| {r["name"]} | `{r["checkpoint"]}` |' for r in results]
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    for ext, text in (('md', '\n'.join(lines) + '\n'),
                      ('json', json.dumps(dict(title=args.title,
                                               notes=args.note,
                                               runs=results), indent=1))):
        tmp = f'{args.out}.{ext}.tmp'
        with open(tmp, 'w') as f:
            f.write(text)
        os.replace(tmp, f'{args.out}.{ext}')
    print('\n'.join(lines))
    return 0


if __name__ == '__main__':
    sys.exit(main())
