"""The paper's Table 9 at CPU scale: what pretraining buys for detection.

One row per backbone of the tiny regime (ResNet-18 at width 16) -- random
init, supervised, SimCLR, MoCo v2, MoCo v2 + FT (paper settings) -- each
pretrained once (seed 0, the regime's 20 epochs) and converted by the one
pipeline every study uses (:class:`~ftcl_mm.sweep.BackbonePipeline`); then,
per backbone, kNN and cached linear top-1 on the held-out images and the
tiny detection benchmarks over detector seeds: Faster R-CNN C4 on the
generated VOC (AP50, AP) and Mask R-CNN C4 on the generated COCO (AP^bb,
AP^mk). The gain over random init is paired by detector seed. Every step
resumes. ``tools/studies/tiny_det_table.py`` is its command line; the
book's ``detection`` study runs the same cells.
"""

from __future__ import annotations

import os
import os.path as osp
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Union

from ..utils.errors import UserInputError
from ..utils.fileio import write_json, write_text
from ..utils.provenance import dumped_config_hash, provenance
from .launcher import RunFailed, Sweep, SweepJob, ToolCalls, usable_parallelism
from .pipeline import BackbonePipeline, epochs_options
from .stats import fmt_stat, mean_std, paired_gain, verdict

#: The tiny detection benchmarks (paper Table 9 at CPU scale): detector ->
#: (config, {column: metric key}). The book's detection study
#: reads it from here.
DET = 'configs/benchmarks/mmdetection/tiny/'
DETECTORS = {
    'voc': (
        DET + 'faster-rcnn_r18w16-c4_tinydet_voc.py',
        {'VOC AP50': 'pascal_voc/AP50', 'VOC AP': 'pascal_voc/mAP'},
    ),
    'coco': (
        DET + 'mask-rcnn_r18w16-c4_tinydet_coco.py',
        {'COCO AP^bb': 'coco/bbox_mAP', 'COCO AP^mk': 'coco/segm_mAP'},
    ),
}

#: Row name -> pretraining config (None: random init).
ROWS = {
    'random': None,
    'supervised': 'configs/benchmarks/classification/tiny/'
    'resnet18w16_supervised_tiny.py',
    'simclr': 'configs/selfsup/tiny/simclr_tiny.py',
    'mocov2': 'configs/selfsup/tiny/mocov2_tiny.py',
    'mocov2_ft': 'configs/selfsup/tiny/mocov2_ft_tiny.py',
}
#: The cached linear probe's config (kNN needs none).
PROBE = 'configs/benchmarks/classification/tiny/resnet18w16_linear_tiny.py'


@dataclass
class Plan:
    """What one table covers.

    Args:
        work_dir: Where every run and the table go.
        rows: Backbones (keys of :data:`ROWS`), in table order.
        seeds: Detector seeds.
        detectors: Detection benchmarks (keys of ``DETECTORS``).
        pretrain_options: ``--cfg-options`` of every pretraining beyond
            its seed (e.g. :func:`demo_pretrain_options`).
        det_options: ``--cfg-options`` of every detector beyond its seed
            (e.g. :func:`det_schedule_options`), or per detector
            (:func:`det_iters_options`).
    """

    work_dir: str
    rows: Sequence[str]
    seeds: Sequence[int]
    detectors: Sequence[str]
    pretrain_options: Sequence[str] = ()
    det_options: 'DetOptions' = ()


#: Detector iterations: one number for every detector, or per detector.
DetIters = Union[int, Dict[str, int]]
#: ``--cfg-options`` of every detector, or per detector.
DetOptions = Union[Sequence[str], Dict[str, Sequence[str]]]


def demo_pretrain_options(epochs: int) -> List[str]:
    """The demo's pretraining (``tools/demo.sh``, ``DEMO_EPOCHS``): the
    config's schedule cut to ``epochs``, no online kNN."""
    return [*epochs_options(epochs), 'default_hooks.online_knn=None']


def det_schedule_options(iters: int) -> List[str]:
    """The demo's detector schedule (``tools/demo.sh``,
    ``DEMO_DET_ITERS``): ``iters`` iterations, the lr step at 5/6 of them,
    one validation and one checkpoint at the end."""
    return [
        f'train_cfg.max_iters={iters}',
        f'train_cfg.val_interval={iters}',
        f'param_scheduler.1.end={iters}',
        f'param_scheduler.1.milestones=[{iters * 5 // 6}]',
        f'default_hooks.checkpoint.interval={iters}',
    ]


def parse_det_iters(items: Sequence[str]) -> DetIters:
    """``['160']`` (every detector) or ``['voc=160', 'coco=128']`` (each
    detector named once) as :data:`DetIters`.

    Raises:
        UserInputError: Anything else (one line saying the forms).
    """
    forms = 'N or voc=N coco=M (positive integers)'
    if len(items) == 1 and '=' not in items[0]:
        if items[0].isdigit() and int(items[0]) > 0:
            return int(items[0])
        raise UserInputError(f'--det-iters {items[0]!r}: expected {forms}')
    out: Dict[str, int] = {}
    for item in items:
        det, _, n = item.partition('=')
        if det not in DETECTORS or det in out or not n.isdigit() or not int(n):
            raise UserInputError(f'--det-iters {item!r}: expected {forms}')
        out[det] = int(n)
    missing = [d for d in DETECTORS if d not in out]
    if missing:
        raise UserInputError(
            f'--det-iters names no iterations for {", ".join(missing)}: '
            f'expected {forms}'
        )
    return out


def det_iters_arg(iters: DetIters) -> str:
    """``--det-iters``'s argument for ``iters`` (:func:`parse_det_iters`'
    inverse, words joined by spaces)."""
    if isinstance(iters, dict):
        return ' '.join(f'{d}={n}' for d, n in iters.items())
    return str(iters)


def det_iters_options(iters: DetIters) -> DetOptions:
    """:func:`det_schedule_options` of one number, or per detector."""
    if isinstance(iters, dict):
        return {d: det_schedule_options(n) for d, n in iters.items()}
    return det_schedule_options(iters)


def det_iters_text(iters: Optional[DetIters]) -> str:
    """``160`` or ``voc 160, coco 128`` (for titles and pages)."""
    if isinstance(iters, dict):
        return ', '.join(f'{d} {n}' for d, n in iters.items())
    return str(iters)


def options_for(det_options: DetOptions, det: str) -> List[str]:
    """The ``--cfg-options`` of detector ``det`` in ``det_options``."""
    if isinstance(det_options, dict):
        return list(det_options.get(det, ()))
    return list(det_options)


def fine_tune(
    calls: ToolCalls,
    det: str,
    work: str,
    backbone: str,
    seed: int,
    options: Sequence[str] = (),
) -> Dict[str, float]:
    """Fine-tune the tiny detector ``det`` (a key of :data:`DETECTORS`)
    from ``backbone`` (a converted checkpoint or ``'none'``) at detector
    seed ``seed`` in ``work`` (resumes), and return its final metrics.

    Raises:
        RunFailed: the training failed or logged no metric of a column.
    """
    from ..formats.run_results import final_metrics

    config, columns = DETECTORS[det]
    calls.call(
        calls.train(
            config,
            work,
            '--resume',
            '--pretrained',
            backbone,
            '--cfg-options',
            f'randomness.seed={seed}',
            *options,
        ),
        osp.join(work, 'steps.log'),
    )
    metrics = final_metrics(work)
    missing = [m for m in columns.values() if m not in metrics]
    if missing:
        raise RunFailed(f'{work} logged no {", ".join(missing)}')
    return metrics


class DetTableRuns:
    """Pretrain + convert + probe one backbone; train one detector seed."""

    def __init__(self, plan: Plan, calls: ToolCalls) -> None:
        self.plan = plan
        self.calls = calls

    def backbone(self, row: str) -> Dict:
        """Pretrain (seed 0), convert and probe the backbone of ``row``."""
        work = osp.join(self.plan.work_dir, 'backbones', row)
        log = osp.join(work, 'steps.log')
        config = ROWS[row]
        pipeline = BackbonePipeline(self.calls)
        path = (
            'none'
            if config is None
            else pipeline.pretrain(
                config,
                work,
                ['randomness.seed=0', *self.plan.pretrain_options],
                log,
            )
        )
        result = pipeline.probe(PROBE, path, osp.join(work, 'knn.json'), log)
        return dict(
            row=row,
            backbone=path,
            options=list(self.plan.pretrain_options),
            config_hash=dumped_config_hash(osp.join(work, 'pretrain')),
            knn_top1=float(result['top1']['20']),
            linear_top1=float(result['linear_top1']),
        )

    def detector(self, row: str, det: str, seed: int, backbone: str) -> Dict:
        """Train and evaluate detector ``det`` (``seed``) on a backbone."""
        work = osp.join(self.plan.work_dir, det, row, f'seed{seed}')
        columns = DETECTORS[det][1]
        t0 = time.time()
        options = options_for(self.plan.det_options, det)
        metrics = fine_tune(self.calls, det, work, backbone, seed, options)
        out = dict(row=row, detector=det, seed=seed, options=options)
        out.update({c: float(metrics[m]) for c, m in columns.items()})
        # Train + evaluate, this call only (a resumed run counts its rest).
        out['wall_s'] = round(time.time() - t0, 1)
        out['config_hash'] = dumped_config_hash(work)
        return out


def check_setting(job: SweepJob, options: Sequence[str]) -> None:
    """Refuse a finished run of ``job`` made at other options: the work
    dir's runs are reused by name, so a table resumed with another
    ``--epochs`` / ``--det-iters`` would mix schedules. (Runs stored
    before results recorded their options are taken as they are.)

    Raises:
        UserInputError: The stored run's options differ.
    """
    if not job.load() or job.result.get('options') is None:
        return
    if job.result['options'] != list(options):
        raise UserInputError(
            f'{job.work_dir} holds a run made with {job.result["options"]}, '
            f'not {list(options)}; use another --work-dir for this setting'
        )


def _relative(path: str, work_dir: str) -> str:
    return path if path == 'none' else osp.relpath(path, work_dir)


def _columns(plan: Plan) -> List[str]:
    return [c for d in plan.detectors for c in DETECTORS[d][1]]


def _option(options: Sequence[str], key: str) -> Optional[str]:
    for o in options:
        if o.startswith(key + '='):
            return o.split('=', 1)[1]
    return None


def table(plan: Plan, backbones: Dict[str, Dict], dets: List[Dict]) -> str:
    """The table as markdown: mean +- std over detector seeds, and each
    row's gain over random init paired by detector seed."""
    columns = _columns(plan)
    own = "the configs'"
    epochs = _option(plan.pretrain_options, 'train_cfg.max_epochs') or own
    key = 'train_cfg.max_iters'
    iters = (
        ', '.join(
            f'{d} {_option(options_for(plan.det_options, d), key) or own}'
            for d in plan.detectors
        )
        if isinstance(plan.det_options, dict)
        else _option(plan.det_options, key) or own
    )
    lines = [
        '# Tiny detection table (paper Table 9 at CPU scale)',
        '',
        f'detector seeds {list(plan.seeds)}; backbones pretrained once (seed '
        f'0, {epochs} epochs), detectors trained {iters} iterations; '
        'mean ± std over detector '
        'seeds, and the gain over '
        'random init paired by detector seed (verdict: gain > 1 std, '
        'loss > 1 std, within 1 std). AP columns x 100.',
        '',
        '| backbone | ' + ' | '.join(columns) + ' | kNN | linear |',
        '|---|' + '---|' * (len(columns) + 2),
    ]
    by_row: Dict[str, Dict[str, Dict[int, float]]] = {}
    for d in dets:
        for c in columns:
            if c in d:
                by_row.setdefault(d['row'], {}).setdefault(c, {})[
                    d['seed']
                ] = 100 * d[c]
    for row in plan.rows:
        cells = []
        for c in columns:
            vals = by_row.get(row, {}).get(c, {})
            cell = fmt_stat(mean_std(vals.values())) if vals else '-'
            base = by_row.get('random', {}).get(c, {})
            gain = paired_gain(vals, base) if row != 'random' else None
            if gain:
                cell += f' ({fmt_stat(gain, True)}, {verdict(gain)})'
            cells.append(cell)
        b = backbones.get(row, {})
        knn = f'{b["knn_top1"]:.1f}' if 'knn_top1' in b else '-'
        lin = f'{b["linear_top1"]:.1f}' if 'linear_top1' in b else '-'
        lines.append(f'| {row} | ' + ' | '.join(cells) + f' | {knn} | {lin} |')
    walls = []
    for det in plan.detectors:
        w = [d.get('wall_s') for d in dets if d['detector'] == det]
        if w and all(x is not None for x in w):
            walls.append(f'{det} {fmt_stat(mean_std(w))} s')
    if walls:
        lines += [
            '',
            'Wall time per detector run (train + evaluation, one job at a '
            'time unless --jobs): ' + ', '.join(walls) + '.',
        ]
    return '\n'.join(lines) + '\n'


def plot(plan: Plan, dets: List[Dict], out: str) -> Optional[str]:
    """Bars of every AP column per backbone; the PNG path (None: nothing)."""
    from ..visualization import plot_accuracy_bars

    summary = {}
    columns = _columns(plan)
    for row in plan.rows:
        entry = {}
        for c in columns:
            vals = [100 * d[c] for d in dets if d['row'] == row and c in d]
            if vals:
                entry[c] = mean_std(vals)
        summary[f'{row}/backbone'] = entry
    summary['random/init'] = summary.pop('random/backbone', {})
    return plot_accuracy_bars(
        summary, out, metrics=columns, highlight=None, ylabel='{} (x 100)'
    )


def run(
    plan: Plan, root: str, data_root: Optional[str] = None, jobs: int = 1
) -> List[str]:
    """Run (or resume) every backbone and detector of ``plan``, then write
    ``results.md``, ``results.json`` and ``plots/det_table.png``.

    Args:
        plan: The rows, seeds and detectors.
        root: The repository root (where ``tools/`` is).
        data_root: Generated data (sets ``FTCL_DEMO_DATA``; default: the
            configs' own default, data/demo).
        jobs: Runs side by side (each gets cores // jobs threads).

    Returns:
        One line per failed run (empty: all finished).

    Raises:
        UserInputError: ``data_root`` has no ``tiny_det/``.
        KeyboardInterrupt: Interrupted (every finished step is kept).
    """
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    if data_root:
        if not osp.isdir(osp.join(data_root, 'tiny_det')):
            raise UserInputError(
                f'--data-root {data_root} has no tiny_det/; generate it '
                'with python tools/make_demo_data.py --out DIR'
            )
        env['FTCL_DEMO_DATA'] = data_root
    jobs, threads = usable_parallelism(jobs, None)
    env['FTCL_THREADS'] = str(threads)
    runs = DetTableRuns(plan, ToolCalls(root, env))
    sweep = Sweep('tiny_det_table', jobs)
    bb_jobs = [
        SweepJob(
            f'backbone {row}',
            osp.join(plan.work_dir, 'backbones', row),
            (lambda row=row: runs.backbone(row)),
            timed=ROWS[row] is not None,
        )
        for row in plan.rows
    ]
    for job in bb_jobs:
        check_setting(job, plan.pretrain_options)
    failed = sweep.run(bb_jobs, threads)
    backbones = {j.result['row']: j.result for j in bb_jobs if j.result}
    det_jobs = []
    for seed in plan.seeds:
        for row in [r for r in plan.rows if r in backbones]:
            for det in plan.detectors:
                job = SweepJob(
                    f'{det} {row} seed {seed}',
                    osp.join(plan.work_dir, det, row, f'seed{seed}'),
                    (
                        lambda row=row, det=det, seed=seed: runs.detector(
                            row, det, seed, backbones[row]['backbone']
                        )
                    ),
                )
                check_setting(job, options_for(plan.det_options, det))
                det_jobs.append(job)
    failed += sweep.run(det_jobs, threads)
    dets = [j.result for j in det_jobs if j.result]
    out = osp.join(plan.work_dir, 'results')
    write_text(f'{out}.md', table(plan, backbones, dets))
    write_json(
        f'{out}.json',
        dict(
            seeds=list(plan.seeds),
            pretrain_options=list(plan.pretrain_options),
            det_options=(
                {d: list(o) for d, o in plan.det_options.items()}
                if isinstance(plan.det_options, dict)
                else list(plan.det_options)
            ),
            provenance=provenance(root),
            # Paths inside the work dir, so that a stored copy points
            # nowhere outside its repository.
            backbones={
                row: dict(b, backbone=_relative(b['backbone'], plan.work_dir))
                for row, b in backbones.items()
            },
            detectors=dets,
        ),
    )
    os.makedirs(osp.join(plan.work_dir, 'plots'), exist_ok=True)
    png = plot(plan, dets, osp.join(plan.work_dir, 'plots', 'det_table'))
    print(f'{out}.md')
    if png:
        print(png)
    return failed


def noise_section(
    noise: Dict,
    metrics: Dict[str, Dict[str, float]],
    row: str,
    pretrain_options: Sequence[str],
    det_options: DetOptions,
) -> List[str]:
    """The demo's detection rows read against the detector-seed noise of
    their setting: per detector, the pretrained run's lead over the
    random-init run beside each arm's std over detector seeds and the
    lead paired by seed, from a table run at that setting.

    Args:
        noise: A ``results.json`` of :func:`run` (detector seeds over
            ``row`` and ``random``).
        metrics: Run name -> its final metrics; the detector ``d``'s pair
            is named ``<d>_pretrained`` and ``<d>_random`` (the demo's).
        row: The noise table's row of the pretrained backbone.
        pretrain_options, det_options: The setting of the runs in
            ``metrics`` (detector options for all or per detector); a
            detector is read only if the noise was measured at its setting.

    Returns:
        Markdown lines (a section, or one line saying why there is none).
    """
    stored = noise.get('det_options') or []
    matched = [
        det
        for det in DETECTORS
        if options_for(stored, det) == options_for(det_options, det)
    ]
    if noise.get('pretrain_options') != list(pretrain_options) or not matched:
        return [
            'Detector-seed noise: not measured at this setting (stored for '
            f'{noise.get("pretrain_options")} / {stored}).'
        ]
    prov = noise.get('provenance') or {}
    seeds = noise.get('seeds', [])
    lines = [
        '## Detection against detector-seed noise',
        '',
        f'Std over detector seeds {seeds} at this very setting '
        f'(tools/studies/tiny_det_table.py --rows random {row}, commit '
        f'{prov.get("commit")}); the lead is read as '
        "real only if it is larger than both arms' std. The thread count "
        'changes the order of float sums, so a run with other threads '
        '(the demo runs its arms side by side) differs like another seed.',
        '',
        '| detector | metric (x 100) | pretrained | random | lead | seed '
        f'std ({row} / random) | lead over {len(seeds)} seeds, paired | '
        'reading |',
        '|---|---|---|---|---|---|---|---|',
    ]
    for det, (_, columns) in DETECTORS.items():
        if det not in matched:
            continue
        pre = metrics.get(f'{det}_pretrained') or {}
        rnd = metrics.get(f'{det}_random') or {}
        for column, key in columns.items():
            if key not in pre or key not in rnd:
                continue
            per = {
                r: {
                    d['seed']: 100 * d[column]
                    for d in noise.get('detectors', [])
                    if d['row'] == r and d['detector'] == det and column in d
                }
                for r in (row, 'random')
            }
            if len(per[row]) < 2 or len(per['random']) < 2:
                continue
            std_p = mean_std(per[row].values())['std']
            std_r = mean_std(per['random'].values())['std']
            lead = 100 * (pre[key] - rnd[key])
            noise_std = max(std_p, std_r)
            reading = (
                'ahead by more than the seed std'
                if lead > noise_std
                else 'behind by more than the seed std'
                if lead < -noise_std
                else 'within seed noise'
            )
            paired = paired_gain(per[row], per['random'])
            lines.append(
                f'| {det} | {column} | {100 * pre[key]:.1f} | '
                f'{100 * rnd[key]:.1f} | {lead:+.1f} | {std_p:.1f} / '
                f'{std_r:.1f} | {fmt_stat(paired, True)} | {reading} |'
            )
    unread = [
        d
        for d in DETECTORS
        if d not in matched and f'{d}_pretrained' in metrics
    ]
    if unread:
        lines += [
            '',
            f'Not read: {", ".join(unread)} (its noise was not measured at '
            'this setting).',
        ]
    return lines
