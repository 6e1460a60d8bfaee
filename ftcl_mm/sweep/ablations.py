"""The paper's FT ablations at CPU scale: the protocol and its report.

Each :class:`Ablation` is one of the paper's tables (Table 7's components,
Table 6's start epoch, Table 3's sign of the positive mix, Tables 2 and 4's
alphas, the 200 vs 500 epoch length) as a grid of ``ft_study.py`` cells
(method x variant, every cell over the same seeds), with the paper's number
for the same setting beside each cell. The protocol is fixed here, before
the runs (issue "FT under the paper's own ablations"); the report shows
every cell, queued ones included, with the command that continues it.

The tiny configs behind the variants are
``configs/selfsup/tiny/<method>_ft-<variant>_tiny.py`` (``base`` and
``both`` are ``<method>_tiny.py`` and ``<method>_ft_tiny.py``).
"""

from __future__ import annotations

import os
import os.path as osp
import shlex
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from ..utils.fileio import read_json, write_text
from .stats import aggregate, fmt_stat, verdict

#: The study every cell runs through.
STUDY = 'tools/studies/ft_study.py'

#: Per-run score statistics shown per cell (ft_study's tail means).
SCORES = ('pos_mean', 'neg_mean', 'neg_var')
SCORES_FT = ('pos_mean_ft', 'neg_mean_ft')


@dataclass(frozen=True)
class Cell:
    """One setting of an ablation.

    Args:
        method: Tiny config family (``mocov2``, ``simclr``).
        variant: ft_study variant (``base``, ``both``, ``start4``, ...).
        label: What the paper's table calls the setting.
        paper: The paper's top-1 for that setting, as printed (None: the
            paper has no such cell).
    """

    method: str
    variant: str
    label: str
    paper: Optional[float] = None

    @property
    def key(self) -> Tuple[str, str]:
        return self.method, self.variant


@dataclass(frozen=True)
class Ablation:
    """One of the paper's tables as a grid of study cells.

    Args:
        key: Command-line name (``T7``, ``T6``, ...).
        title: Section title.
        paper_setting: Where the paper's column comes from.
        cells: The settings; per method, the cell with variant ``base`` is
            the reference of the paired gains (the paper's gains are taken
            against the same row).
        epochs: Pretraining epochs when they differ from the regime's 20;
            such cells live under ``WORK_DIR/<epochs>ep``.
        note: How the tiny settings map onto the paper's.
    """

    key: str
    title: str
    paper_setting: str
    cells: Tuple[Cell, ...]
    epochs: Optional[int] = None
    note: str = ''

    @property
    def methods(self) -> List[str]:
        return list(dict.fromkeys(c.method for c in self.cells))

    @property
    def variants(self) -> List[str]:
        return list(dict.fromkeys(c.variant for c in self.cells))

    def work_dir(self, root: str) -> str:
        return osp.join(root, f'{self.epochs}ep') if self.epochs else root


def _t7(method: str, paper: Sequence[float]) -> Tuple[Cell, ...]:
    names = ('base', 'pos', 'neg', 'both', 'dim')
    labels = (
        'baseline',
        '+ pos. extrapolation',
        '+ neg. interpolation',
        '+ both',
        '+ both, dimension-level',
    )
    return tuple(
        Cell(method, v, lab, p) for v, lab, p in zip(names, labels, paper)
    )


#: The protocol, in the order the issue runs it when time is short.
ABLATIONS: Dict[str, Ablation] = {
    a.key: a
    for a in (
        Ablation(
            'T7',
            'Which component helps (Table 7)',
            'IN-100, ResNet-50, 200 epochs, linear top-1',
            _t7('mocov2', (75.61, 76.22, 77.12, 78.33, 79.21))
            + _t7('simclr', (74.32, 75.80, 76.71, 78.25, 78.81)),
        ),
        Ablation(
            'detached',
            "SimCLR's reading of the mix (partner detached)",
            'IN-100, ResNet-50, 200 epochs, linear top-1 (Table 7)',
            (
                Cell('simclr', 'base', 'baseline', 74.32),
                Cell('simclr', 'both', '+ both (both sides with grad)', 78.25),
                Cell('simclr', 'detached', '+ both, partner detached'),
            ),
            note='The official code exists for MoCo only, where the key '
            'carries no gradient when it is mixed; `detached` applies that '
            "reading to SimCLR (SimCLRFT(detach_partner=True)). The paper's "
            '78.25 does not say which reading produced it.',
        ),
        Ablation(
            'T6',
            'When FT starts (Table 6)',
            'IN-100, ResNet-18, 100 epochs, linear top-1: FT from epoch '
            '0 / 2 / 30 / 50 / 80, or never',
            (
                Cell('mocov2', 'base', 'never', 56.2),
                Cell('mocov2', 'both', 'from epoch 0', 62.6),
                # label: ours (the paper's start beside it)
                Cell('mocov2', 'start1', 'from epoch 1 (paper: 2)', 63.3),
                Cell('mocov2', 'start4', 'from epoch 4 (paper: 30)', 62.9),
                Cell('mocov2', 'start10', 'from epoch 10 (paper: 50)', 61.8),
            ),
            note='Ours start at epoch 1 / 4 / 10 of 20 (5 / 20 / 50 % of '
            "the schedule), the paper's at 2 / 30 / 50 of 100.",
        ),
        Ablation(
            'length',
            'Longer pretraining (200 vs 500 epochs in the paper)',
            'MoCo v2, IN-100, ResNet-50, linear top-1: 200 epochs 75.61 -> '
            '78.33 (+2.72), 500 epochs 80.7 -> 81.5 (+0.8)',
            (
                Cell('mocov2', 'base', 'baseline, 60 epochs', 80.7),
                Cell('mocov2', 'both', '+ both, 60 epochs', 81.5),
            ),
            epochs=60,
            note="3x the regime's 20 epochs; compare the gain with T7's "
            'MoCo v2 + both at 20 epochs (paper: 500 epochs, 2.5x its 200).',
        ),
        Ablation(
            'T3',
            'Interpolating vs extrapolating positives (Table 3)',
            'IN-100, ResNet-50, MoCo v1 baseline 71.1, linear top-1',
            (
                Cell('mocov2', 'base', 'baseline', 71.1),
                Cell('mocov2', 'pos', 'pos., λ = 1 + Beta(2, 2)', 72.8),
                Cell('mocov2', 'posinterp', 'pos., λ = Beta(2, 2)', 69.1),
            ),
            note="The paper's MoCo v1 numbers stand beside our MoCo v2 "
            'cells (the paper runs these ablations on MoCo v1); its two '
            'interpolation rows read 69.1 / 67.4 (the better one is shown).',
        ),
        Ablation(
            'T2T4',
            'The alphas (Tables 2 and 4)',
            'IN-100, ResNet-50, MoCo v1 baseline 71.1, linear top-1',
            (
                Cell('mocov2', 'base', 'baseline', 71.1),
                Cell('mocov2', 'pos-a0p2', 'pos. only, alpha_ex 0.2', 71.6),
                Cell('mocov2', 'pos-a1', 'pos. only, alpha_ex 1.0'),
                Cell('mocov2', 'pos', 'pos. only, alpha_ex 2.0', 72.8),
                Cell('mocov2', 'neg-a0p2', 'neg. only, alpha_in 0.2', 73.3),
                Cell('mocov2', 'neg-a1', 'neg. only, alpha_in 1.0'),
                Cell('mocov2', 'neg', 'neg. only, alpha_in 1.6', 74.6),
            ),
            note="The paper's grid is 0.2 / 0.4 / 0.6 / 1.4 / 1.6 / 2.0 "
            '(no 1.0); MoCo v1 numbers beside MoCo v2 cells, as in T3.',
        ),
    )
}


def load_results(work_dir: str, seeds: Sequence[int]) -> List[Dict]:
    """Every finished ft_study run under ``work_dir`` for ``seeds``
    (``<method>/<variant>/seed<s>/result.json``), random init included."""
    import glob

    out = []
    # random/seed<s>/ and <method>/<variant>/seed<s>/
    for depth in (2, 3):
        pattern = osp.join(work_dir, *['*'] * depth, 'result.json')
        for path in sorted(glob.glob(pattern)):
            r = read_json(path)
            if r.get('seed') in seeds:
                out.append(r)
    return out


def _scores(runs: List[Dict], keys: Tuple[str, ...]) -> str:
    vals = []
    for k in keys:
        got = [r['scores'][k] for r in runs if k in r.get('scores', {})]
        if not got:
            return '-'
        vals.append(sum(got) / len(got))
    return ' / '.join(f'{v:.3f}' for v in vals)


def cell_summary(
    ablation: Ablation, results: List[Dict], seeds: Sequence[int]
) -> List[Dict]:
    """Per cell: its runs' mean +- std, the gain over the method's base
    paired by seed, verdicts, mean scores, the paper's number and gain,
    and the seeds still queued."""
    keep = {c.key for c in ablation.cells}
    runs = [
        r
        for r in results
        if (r['method'], r['variant']) in keep and r['seed'] in seeds
    ]
    summary = aggregate(
        runs,
        group=('method', 'variant'),
        metrics=('knn_top1', 'linear_top1', 'effective_rank'),
        base={'variant': 'base'},
    )
    paper_base = {
        c.method: c.paper for c in ablation.cells if c.variant == 'base'
    }
    rows = []
    for c in ablation.cells:
        e = summary.get(f'{c.method}/{c.variant}', {})
        mine = [r for r in runs if (r['method'], r['variant']) == c.key]
        done = {r['seed'] for r in mine}
        pb = paper_base.get(c.method)
        rows.append(
            dict(
                cell=c,
                stats=e,
                scores=_scores(mine, SCORES),
                scores_ft=(
                    '(no FT)'
                    if c.variant == 'base'
                    else _scores(mine, SCORES_FT)
                ),
                queued=[s for s in seeds if s not in done],
                paper_gain=(
                    None
                    if c.paper is None or pb is None or c.variant == 'base'
                    else c.paper - pb
                ),
            )
        )
    return rows


def _rank(stats: Dict) -> str:
    r = stats.get('effective_rank')
    return f'{r["mean"]:.1f}' if r else '-'


def _paper(value: Optional[float], gain: Optional[float]) -> str:
    if value is None:
        return '-'
    return f'{value:.2f}' + ('' if gain is None else f' ({gain:+.2f})')


def ablation_markdown(
    ablation: Ablation,
    rows: List[Dict],
    command: str,
    plots: Sequence[str] = (),
) -> str:
    """One table: paper column, kNN and linear with paired gains and
    verdicts, the encoder's scores before / after FT, queued seeds."""
    lines = [
        f'## {ablation.key}: {ablation.title}',
        '',
        f'Paper: {ablation.paper_setting}.'
        + (f' {ablation.note}' if ablation.note else ''),
        '',
        '| method | setting | variant | paper (gain) | kNN top-1 | kNN gain '
        '| linear top-1 | linear gain | verdict (kNN / linear) '
        '| pos / neg / neg var | after FT pos / neg | eff. rank '
        '| seeds queued |',
        '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ]
    for row in rows:
        c, e = row['cell'], row['stats']
        v = '-'
        if c.variant != 'base':
            v = (
                f'{verdict(e.get("knn_top1_gain"))} / '
                f'{verdict(e.get("linear_top1_gain"))}'
            )
        lines.append(
            f'| {c.method} | {c.label} | {c.variant} | '
            f'{_paper(c.paper, row["paper_gain"])} | '
            f'{fmt_stat(e.get("knn_top1"))} | '
            f'{fmt_stat(e.get("knn_top1_gain"), True)} | '
            f'{fmt_stat(e.get("linear_top1"))} | '
            f'{fmt_stat(e.get("linear_top1_gain"), True)} | {v} | '
            f'{row["scores"]} | {row["scores_ft"]} | '
            f'{_rank(e)} | {" ".join(map(str, row["queued"])) or "-"} |'
        )
    queued = sum(len(r['queued']) for r in rows)
    lines += [
        '',
        f'{queued} run(s) queued; continue with:'
        if queued
        else 'Every cell finished; reproduce with:',
        '',
        f'    {command}',
    ]
    for p in plots:
        lines += ['', f'![{ablation.key}: {osp.basename(p)}]({p})']
    return '\n'.join(lines) + '\n'


def study_command(
    ablation: Ablation,
    root: str,
    work_dir: str,
    seeds: Sequence[int],
    jobs: Optional[int] = None,
    data_root: Optional[str] = None,
) -> List[str]:
    """The ft_study call (script and arguments) that runs or resumes
    ``ablation``'s cells in its own folder of ``work_dir``."""
    cmd = [
        osp.join(root, STUDY),
        '--methods',
        *ablation.methods,
        '--variants',
        *ablation.variants,
        '--seeds',
        *map(str, seeds),
        '--work-dir',
        ablation.work_dir(work_dir),
    ]
    if ablation.epochs:
        cmd += ['--epochs', str(ablation.epochs), '--no-random-init']
    if jobs:
        cmd += ['--jobs', str(jobs)]
    if data_root:
        cmd += ['--data-root', data_root]
    return cmd


def continue_command(
    ablation: Ablation,
    work_dir: str,
    seeds: Sequence[int],
    data_root: Optional[str] = None,
) -> str:
    """The user-facing command that continues one table."""
    cmd = [
        'python',
        'tools/studies/ft_ablations.py',
        '--tables',
        ablation.key,
        '--seeds',
        *map(str, seeds),
        '--work-dir',
        work_dir,
    ]
    if data_root:
        cmd += ['--data-root', data_root]
    return shlex.join(cmd)


def write_report(
    work_dir: str, seeds: Sequence[int], data_root: Optional[str] = None
) -> List[str]:
    """Write ``ablations.md`` and the plots from every finished run.

    Returns:
        The paths written, the report first.
    """
    from ..visualization import (
        NoStatsError,
        plot_accuracy_bars,
        plot_runs,
    )

    plots_dir = osp.join(work_dir, 'plots')
    os.makedirs(plots_dir, exist_ok=True)
    random = [
        r for r in load_results(work_dir, seeds) if r['method'] == 'random'
    ]
    sections, written = [], []
    for key in ABLATIONS:
        ablation = ABLATIONS[key]
        wd = ablation.work_dir(work_dir)
        results = load_results(wd, seeds)
        rows = cell_summary(ablation, results, seeds)
        plots = []
        summary = aggregate(
            [
                r
                for r in results
                if (r['method'], r['variant'])
                in {c.key for c in ablation.cells}
            ]
            + random,
            group=('method', 'variant'),
            metrics=('knn_top1', 'linear_top1'),
        )
        png = plot_accuracy_bars(
            summary, osp.join(plots_dir, f'{key}_accuracy')
        )
        if png:
            plots.append(png)
        first = {
            (r['method'], r['variant']): r
            for r in results
            if r['seed'] == seeds[0] and r['method'] != 'random'
        }
        done = [c for c in ablation.cells if c.key in first]
        if done:
            try:
                curves = plot_runs(
                    [
                        osp.join(
                            wd,
                            c.method,
                            c.variant,
                            f'seed{seeds[0]}',
                            'pretrain',
                        )
                        for c in done
                    ],
                    osp.join(plots_dir, key),
                    [f'{c.method} {c.variant}' for c in done],
                    window=5,
                )
                plots += [p for p in curves if p.endswith('score_curves.png')]
                written += curves
            except NoStatsError as e:
                print(f'[ft_ablations] no score plots for {key}: {e}')
        written += [p for p in plots if p not in written]
        sections.append(
            ablation_markdown(
                ablation,
                rows,
                continue_command(ablation, work_dir, seeds, data_root),
                [osp.relpath(p, work_dir) for p in plots],
            )
        )
    head = [
        "# FT under the paper's ablations (tiny regime)",
        '',
        f'Seeds {seeds} in every cell; kNN (k = 20) and cached linear '
        'top-1 (%) on the held-out images; gains paired by seed '
        "against the method's baseline of the same table; verdict: gain > 1 "
        'std, loss > 1 std, within 1 std. Scores: mean over the last 10 % of '
        "pretraining of the encoder's positive / negative cosine scores and "
        'the negative variance (before FT), and what the loss sees after FT; '
        "eff. rank: the effective rank (RankMe) of the backbone's features "
        'of the 5000 training images (random init ~26 of 128). '
        'Random init: '
        + (
            ', '.join(
                f'seed {r["seed"]} {r.get("knn_top1", 0):.1f} / '
                f'{r.get("linear_top1", 0):.1f}'
                for r in sorted(random, key=lambda r: r['seed'])
            )
            or 'not run'
        )
        + ' (kNN / linear).',
        '',
        '',
    ]
    out = osp.join(work_dir, 'ablations.md')
    write_text(out, '\n'.join(head) + '\n'.join(sections))
    return [out] + written
