"""FT's fair test: the protocol fixed before the runs, and its report.

Every earlier FT figure of the tiny regime came from runs whose positives
start unaligned (score ~0), the opposite of FT's premise. This protocol
(issue "FT's fair test") measures FT where the premise holds or is
protected -- a start gated on the encoder's own positive score, bounded
extrapolation, re-normalised mixing, the paper's head -- over 5 seeds
paired with each cell's base, on the 10,000-image held-out split, with
the verdict rule fixed up front: a *gain* only if mean - 2 SE > 0, a
*loss* only if mean + 2 SE < 0, else *no detectable effect*, with the
minimum detectable effect 2 SE beside it.

The cells are ``ft_study`` runs (``configs/selfsup/tiny/<method>_ft-
<variant>_tiny.py``); :func:`report` reads their ``result.json`` and the
pretraining folders (gate epoch, score statistics, online kNN curve).
"""

from __future__ import annotations

import glob
import os
import os.path as osp
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ..formats import score_csv
from ..utils.fileio import read_json, write_json
from ..utils.provenance import dumped_config_hash
from ..visualization.score_plots import STATS_FILE
from .stats import aggregate, mean_std, se_verdict

#: The seeds the protocol reports.
SEEDS = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class Cell:
    """One cell: an ft_study (method, variant) and its base."""

    key: str
    method: str
    variant: str
    label: str

    @property
    def run(self) -> Tuple[str, str]:
        return self.method, self.variant


@dataclass(frozen=True)
class Block:
    """Cells trained for the same number of epochs, side by side.

    ``prefix``: variants identical to their base run up to some epoch (FT
    off until then): they start from the base run's checkpoint of that
    epoch instead of re-training the shared prefix (the base keeps its
    checkpoint of every ``interval`` epochs for that).
    """

    key: str
    title: str
    epochs: int
    cells: Tuple[Cell, ...]
    prefix: Tuple[str, ...] = ()

    def work_dir(self, root: str) -> str:
        return osp.join(root, f'{self.epochs}ep')

    def study_calls(self) -> List[Tuple[str, List[str]]]:
        """``(method, variants)`` per ft_study call, in the order run:
        each method's base first, the prefix-sharing variants last."""
        calls: Dict[str, List[str]] = {}
        order = sorted(
            self.cells,
            key=lambda c: (c.variant != 'base', c.variant in self.prefix),
        )
        for c in order:
            calls.setdefault(c.method, []).append(c.variant)
        return list(calls.items())


PROTOCOL: Tuple[Block, ...] = (
    Block(
        'mocov2',
        'MoCo v2 tiny, its tau 0.5 recipe, 60 epochs',
        60,
        (
            Cell('A', 'mocov2', 'base', 'base'),
            Cell('B', 'mocov2', 'both', 'paper FT from step 0 (control)'),
            Cell('C', 'mocov2', 'gate', 'premise-gated FT (S >= 0.6)'),
            Cell('D', 'mocov2', 'start30', 'FT from epoch 30 (control of C)'),
            Cell('E', 'mocov2', 'bounded', 'bounded extrapolation, max 1.5'),
            Cell('F', 'mocov2', 'renorm', 're-normalised FT'),
            Cell('G', 'mocov2', 'neg', 'negative interpolation only'),
            Cell('H', 'mocov2mlp', 'base', "base, the paper's MLP head"),
            Cell('I', 'mocov2mlp', 'both', "paper FT, the paper's MLP head"),
        ),
        prefix=('gate', 'start30'),
    ),
    Block(
        'simclr',
        'SimCLR tiny, 20 epochs',
        20,
        (
            Cell('S0', 'simclr', 'base', 'base'),
            Cell('S1', 'simclr', 'both', 'paper FT from step 0'),
            Cell('S2', 'simclr', 'gate', 'premise-gated FT (S >= 0.6)'),
        ),
    ),
)
BLOCKS = {b.key: b for b in PROTOCOL}

METRICS = ('knn_top1', 'linear_top1', 'effective_rank')

#: Where a prefix-sharing variant leaves its base run: a fixed start epoch,
#: or the gate's threshold on the epoch-mean unmixed positive score.
PREFIX_START = {'start30': 30}
GATE_THRESHOLD = 0.6
#: The base keeps its checkpoint of every 5 epochs (the tiny regime's
#: interval) for the prefix-sharing variants.
KEEP_ALL_CHECKPOINTS = 'default_hooks.checkpoint.max_keep_ckpts=-1'

#: Detection (protocol item 7): the best FT cell by the verdict rule (C if
#: none gains) against its base in the tiny VOC benchmark (Faster R-CNN
#: C4, the config's own schedule), backbone seeds 0-2, detector seed 0.
DETECTION_BLOCK = 'mocov2'
DETECTION_SEEDS = (0, 1, 2)
DETECTION_FALLBACK = 'C'
DETECTOR = 'voc'
DET_SEED = 0


def shared_prefix_epoch(
    variant: str, base_pretrain: str, epochs: int, interval: int = 5
) -> Optional[int]:
    """The epoch up to which ``variant`` is its base run, rounded down to
    a checkpoint of the base (None: nothing to share yet).

    ``start30``: 30. ``gate``: the epoch after the first whose mean
    unmixed positive score reached the threshold in the base run's
    ``score_stats.csv`` (the gated run records the same scores until its
    gate fires); the whole run if it never fires in a finished base.
    """
    if variant in PREFIX_START:
        fire = PREFIX_START[variant]
    elif variant == 'gate':
        path = osp.join(base_pretrain, STATS_FILE)
        if not osp.isfile(path):
            return None
        sums: Dict[int, List[float]] = {}
        for row in score_csv.read_rows(path):
            if row['pos_mean'] == row['pos_mean']:
                sums.setdefault(row['epoch'], []).append(row['pos_mean'])
        fired = next(
            (
                e
                for e, v in sorted(sums.items())
                if sum(v) / len(v) >= GATE_THRESHOLD
            ),
            None,
        )
        if fired is None:
            done = len(sums) >= epochs
            fire = epochs if done else None
        else:
            fire = fired + 1
        if fire is None:
            return None
    else:
        return None
    epoch = fire // interval * interval
    ckpt = osp.join(base_pretrain, f'epoch_{epoch}.pth')
    return epoch if epoch > 0 and osp.isfile(ckpt) else None


def seed_from_base(
    root: str, block: Block, cell: Cell, seed: int
) -> Optional[int]:
    """Start ``cell``'s pretraining from its base run's checkpoint at the
    end of the shared prefix (copies the checkpoint, ``last_checkpoint``
    and the score / kNN-curve files cut back to that epoch), unless the
    cell's run has started. Returns the epoch it starts from, or None.
    """
    import shutil

    from ..utils.fileio import write_text

    if cell.variant not in block.prefix:
        return None
    base = next(
        c
        for c in block.cells
        if c.method == cell.method and c.variant == 'base'
    )
    base_pre = osp.join(run_dir(root, block, base, seed), 'pretrain')
    pre = osp.join(run_dir(root, block, cell, seed), 'pretrain')
    if osp.exists(osp.join(pre, 'last_checkpoint')) or osp.isfile(
        osp.join(run_dir(root, block, cell, seed), 'result.json')
    ):
        return None  # started (or finished) already
    epoch = shared_prefix_epoch(cell.variant, base_pre, block.epochs)
    if epoch is None:
        return None
    os.makedirs(pre, exist_ok=True)
    ckpt = osp.join(pre, f'epoch_{epoch}.pth')
    shutil.copyfile(osp.join(base_pre, f'epoch_{epoch}.pth'), ckpt + '.tmp')
    os.replace(ckpt + '.tmp', ckpt)
    rows = [
        r
        for r in score_csv.read_rows(osp.join(base_pre, STATS_FILE))
        if r['epoch'] < epoch
    ]
    score_csv.write_rows(osp.join(pre, STATS_FILE), rows)
    knn_file = osp.join(base_pre, 'online_knn.csv')
    if osp.isfile(knn_file):
        with open(knn_file) as f:
            lines = f.read().splitlines()
        write_text(
            osp.join(pre, 'online_knn.csv'),
            '\n'.join(
                [lines[0]]
                + [ln for ln in lines[1:] if int(ln.split(',')[0]) <= epoch]
            )
            + '\n',
        )
    write_text(osp.join(pre, 'last_checkpoint'), ckpt)
    return epoch


def run_dir(root: str, block: Block, cell: Cell, seed: int) -> str:
    return osp.join(
        block.work_dir(root), cell.method, cell.variant, f'seed{seed}'
    )


def _first_row(pretrain: str) -> Optional[Dict]:
    path = osp.join(pretrain, STATS_FILE)
    if not osp.isfile(path):
        return None
    rows = score_csv.read_rows(path)
    return rows[0] if rows else None


def curve(pretrain: str) -> Dict[int, float]:
    """The online kNN curve of a run: ``{epoch: top-1}``."""
    path = osp.join(pretrain, 'online_knn.csv')
    if not osp.isfile(path):
        return {}
    with open(path) as f:
        rows = [line.split(',') for line in f.read().splitlines()[1:]]
    return {int(e): float(t) for e, _, t in rows}


def cell_config(cell: Cell) -> str:
    """The tiny config of a cell (relative to the repository root)."""
    from .ft_study import variant_suffix

    suffix = variant_suffix(cell.variant)
    return f'configs/selfsup/tiny/{cell.method}{suffix}_tiny.py'


def extra_options(block: Block, cell: Cell) -> Tuple[str, ...]:
    """The ``--cfg-options`` a cell runs with beyond seed and schedule:
    a base whose prefix other cells share keeps every checkpoint."""
    shares = any(
        c.method == cell.method and c.variant in block.prefix
        for c in block.cells
    )
    return (KEEP_ALL_CHECKPOINTS,) if cell.variant == 'base' and shares else ()


def current_recipe(root_dir: str, block: Block, cell: Cell, seed: int) -> str:
    """The recipe hash a run of ``cell`` at ``seed`` would have now (the
    options ``tools/studies/ft_fair_test.py`` gives ft_study: the seed,
    the schedule, and for a base whose prefix others share, every
    checkpoint kept)."""
    from ..utils.provenance import config_recipe_hash
    from .ft_study import pretrain_options

    opts = pretrain_options(seed, block.epochs, extra_options(block, cell))
    return config_recipe_hash(osp.join(root_dir, cell_config(cell)), opts)


def collect(
    root: str,
    block: Block,
    seeds: Sequence[int],
    accept: Optional[Callable[[Cell, int], bool]] = None,
) -> List[Dict]:
    """Every finished run of ``block`` (that ``accept(cell, seed)`` keeps,
    e.g. the current ones): its result.json plus the gate epoch, the
    step-0 scores, the config hash and the kNN curve."""
    out = []
    for cell in block.cells:
        for seed in seeds:
            d = run_dir(root, block, cell, seed)
            res = osp.join(d, 'result.json')
            if not osp.isfile(res) or (accept and not accept(cell, seed)):
                continue
            r = dict(read_json(res), cell=cell.key)
            pre = osp.join(d, 'pretrain')
            gate = osp.join(pre, 'ft_gate.json')
            r['gate_epoch'] = (
                read_json(gate)['ft_from_epoch'] if osp.isfile(gate) else None
            )
            first = _first_row(pre)
            if first:
                r['step0'] = (first['pos_mean'], first['neg_mean'])
            r['config_hash'] = dumped_config_hash(pre)
            r['curve'] = curve(pre)
            out.append(r)
    return out


def summarise(block: Block, runs: List[Dict]) -> List[Dict]:
    """Per cell: metrics mean +- std, paired gains over its base with the
    protocol's verdict, gate epochs, scores, config hashes, seeds done, and
    the seeds whose stored recipe hash no longer matches the config
    (``stale``; runs from before recipe hashes are recorded are not
    checked)."""
    summary = aggregate(
        runs,
        group=('method', 'variant'),
        metrics=METRICS,
        base={'variant': 'base'},
    )
    rows = []
    for cell in block.cells:
        mine = [r for r in runs if r['cell'] == cell.key]
        stats = summary.get(f'{cell.method}/{cell.variant}', {})
        row = dict(cell=cell, stats=stats, runs=mine)
        for metric in ('knn_top1', 'linear_top1'):
            row[f'{metric}_verdict'] = se_verdict(stats.get(f'{metric}_gain'))
        row['seeds'] = sorted(r['seed'] for r in mine)
        row['gate'] = [r.get('gate_epoch') for r in mine]
        row['hashes'] = sorted({r['config_hash'] for r in mine} - {None})
        repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
        row['stale'] = [
            r['seed']
            for r in mine
            if (r.get('provenance') or {}).get('recipe_hash')
            and r['provenance']['recipe_hash']
            != current_recipe(repo, block, cell, r['seed'])
        ]
        for name, keys in (
            ('scores', ('pos_mean', 'neg_mean')),
            ('scores_ft', ('pos_mean_ft', 'neg_mean_ft')),
        ):
            got = [
                [r['scores'][k] for k in keys]
                for r in mine
                if all(k in r.get('scores', {}) for k in keys)
            ]
            row[name] = (
                [mean_std(col)['mean'] for col in zip(*got)] if got else None
            )
        step0 = [r['step0'] for r in mine if 'step0' in r]
        row['step0'] = (
            [mean_std(col)['mean'] for col in zip(*step0)] if step0 else None
        )
        rows.append(row)
    return rows


def _stat(s: Optional[Dict], signed: bool = False) -> str:
    if not s:
        return '-'
    return f'{s["mean"]:{"+" if signed else ""}.2f} ± {s["std"]:.2f}'


def _pair(v: Optional[Sequence[float]]) -> str:
    return '-' if not v else ' / '.join(f'{x:.3f}' for x in v)


def _verdict(v: Tuple[str, Optional[float]]) -> str:
    name, mde = v
    return name if mde is None else f'{name} (2 SE {mde:.2f})'


def block_markdown(
    block: Block,
    rows: List[Dict],
    seeds: Sequence[int],
    command: Optional[str] = None,
) -> str:
    """One block's table (every cell, queued ones included)."""
    lines = [
        f'## {block.title}',
        '',
        '| cell | setting | seeds done | kNN top-1 | kNN gain | verdict (kNN)'
        ' | linear top-1 | linear gain | verdict (linear) | eff. rank '
        '| gate fired (FT from epoch) | step 0 pos / neg | end pos / neg '
        '| end, after FT pos / neg | config hash |',
        '|' + '---|' * 15,
    ]
    for row in rows:
        c, s = row['cell'], row['stats']
        base = c.variant == 'base'
        gate = (
            ', '.join('never' if g is None else str(g) for g in row['gate'])
            if c.variant == 'gate' and row['gate']
            else '-'
        )
        lines.append(
            f'| {c.key} | {c.label} ({c.method} {c.variant}) | '
            f'{" ".join(map(str, row["seeds"])) or "queued"} | '
            f'{_stat(s.get("knn_top1"))} | '
            f'{"-" if base else _stat(s.get("knn_top1_gain"), True)} | '
            f'{"-" if base else _verdict(row["knn_top1_verdict"])} | '
            f'{_stat(s.get("linear_top1"))} | '
            f'{"-" if base else _stat(s.get("linear_top1_gain"), True)} | '
            f'{"-" if base else _verdict(row["linear_top1_verdict"])} | '
            f'{_stat(s.get("effective_rank"))} | {gate} | '
            f'{_pair(row["step0"])} | {_pair(row["scores"])} | '
            f'{"(no FT)" if base else _pair(row["scores_ft"])} | '
            f'{" ".join(row["hashes"]) or "-"}'
            + (
                f' (stale: seeds {" ".join(map(str, row["stale"]))})'
                if row['stale']
                else ''
            )
            + ' |'
        )
    missing = sum(len(set(seeds) - set(r['seeds'])) for r in rows)
    lines += [
        '',
        f'{missing} run(s) of this block queued; continue with '
        + (
            command
            or f'`python tools/studies/ft_fair_test.py --blocks {block.key} '
            '--work-dir WORK_DIR`'
        )
        + ' (resumable; the same command reports).'
        if missing
        else 'Every cell finished.',
    ]
    return '\n'.join(lines) + '\n'


def _ft_rows(rows: List[Dict]) -> List[Dict]:
    return [r for r in rows if r['cell'].variant != 'base']


def detection_pair(
    rows: List[Dict], seeds: Sequence[int] = SEEDS
) -> Tuple[Optional[Tuple[Cell, Cell]], str]:
    """The cells the detection rows compare: ``((base, best), why)``, or
    ``(None, why not yet)`` while an FT cell of the detection block lacks
    one of ``seeds`` (the verdict decides which cell, so it waits for it).

    Best: the FT cell whose paired kNN gain is a *gain* by the rule, the
    largest mean first; none gains: C, as the protocol says.
    """
    block = BLOCKS[DETECTION_BLOCK]
    ft = _ft_rows(rows)
    lacking = [r['cell'].key for r in ft if set(seeds) - set(r['seeds'])]
    if lacking:
        return None, (
            f'waits for the verdict: cell(s) {", ".join(lacking)} lack some '
            f'of seeds {" ".join(map(str, seeds))}'
        )
    gains = [r for r in ft if r['knn_top1_verdict'][0] == 'gain']
    if gains:
        best = max(gains, key=lambda r: r['stats']['knn_top1_gain']['mean'])
        cell = best['cell']
        why = f'{cell.key}, the largest kNN gain by the rule'
    else:
        cell = next(c for c in block.cells if c.key == DETECTION_FALLBACK)
        why = f'no FT cell gains by the rule: {cell.key}, as the protocol says'
    base = next(
        c
        for c in block.cells
        if c.method == cell.method and c.variant == 'base'
    )
    return (base, cell), why


def detection_dir(root: str, cell: Cell, seed: int) -> str:
    """Where a run's tiny-VOC detector trains; its ``metrics.json`` (the
    final metrics, the book's layout for a run's detectors) marks it
    finished."""
    block = BLOCKS[DETECTION_BLOCK]
    return osp.join(
        run_dir(root, block, cell, seed), 'det', DETECTOR, f'seed{DET_SEED}'
    )


def detection_jobs(root: str, pair: Tuple[Cell, Cell], calls) -> List:
    """The detector runs of the detection rows as launcher jobs (a
    finished one is skipped by its ``result.json``); ``calls``: a
    :class:`~.launcher.ToolCalls`."""
    from .det_table import DETECTORS, fine_tune
    from .launcher import RunFailed, SweepJob

    block = BLOCKS[DETECTION_BLOCK]
    columns = DETECTORS[DETECTOR][1]
    jobs = []
    for seed in DETECTION_SEEDS:
        for cell in pair:
            work = detection_dir(root, cell, seed)
            run = run_dir(root, block, cell, seed)
            backbone = osp.join(run, 'backbone.pth')

            def execute(work=work, backbone=backbone) -> Dict:
                if not osp.isfile(backbone):
                    raise RunFailed(f'{backbone} is missing')
                metrics = fine_tune(calls, DETECTOR, work, backbone, DET_SEED)
                write_json(osp.join(work, 'metrics.json'), metrics)
                out = {c: 100 * float(metrics[m]) for c, m in columns.items()}
                out['config_hash'] = dumped_config_hash(work)
                return out

            jobs.append(
                SweepJob(f'{DETECTOR} {cell.key} seed {seed}', work, execute)
            )
    return jobs


def detection_markdown(root: str, rows: List[Dict]) -> str:
    """The detection rows: each cell's AP over backbone seeds, the gain
    paired with its base and the verdict by the rule (queued ones
    included)."""
    from .det_table import DETECTORS
    from .stats import paired_gain

    columns = DETECTORS[DETECTOR][1]
    pair, why = detection_pair(rows)
    lines = [
        '## Detection: the best FT cell against its base',
        '',
        f"Tiny VOC (Faster R-CNN C4, the config's own schedule), backbone "
        f'seeds {" ".join(map(str, DETECTION_SEEDS))}, detector seed '
        f'{DET_SEED}; AP x 100, mean ± std over backbone seeds, the gain '
        'paired by seed with the base and its verdict by the same rule. '
        f'Cell: {why}.',
        '',
    ]
    if pair is None:
        return '\n'.join(lines) + '\n'
    values: Dict[str, Dict[int, Dict]] = {}
    hashes: Dict[str, set] = {}
    for cell in pair:
        for seed in DETECTION_SEEDS:
            work = detection_dir(root, cell, seed)
            res = osp.join(work, 'metrics.json')
            if osp.isfile(res):
                m = read_json(res)
                values.setdefault(cell.key, {})[seed] = {
                    c: 100 * float(m[k]) for c, k in columns.items()
                }
                hashes.setdefault(cell.key, set()).add(
                    dumped_config_hash(work)
                )
    lines += [
        '| cell | backbone seeds done | '
        + ' | '.join(columns)
        + ' | '
        + ' | '.join(f'{c} gain (verdict)' for c in columns)
        + ' | detector config hash |',
        '|' + '---|' * (3 + 2 * len(columns)),
    ]
    base = pair[0]
    for cell in pair:
        mine = values.get(cell.key, {})
        cells = [
            _stat(mean_std([v[c] for v in mine.values()]) if mine else None)
            for c in columns
        ]
        gains = []
        for c in columns:
            if cell is base:
                gains.append('-')
                continue
            g = paired_gain(
                {s: v[c] for s, v in mine.items()},
                {s: v[c] for s, v in values.get(base.key, {}).items()},
            )
            gains.append(
                f'{_stat(g, True)} ({_verdict(se_verdict(g))})' if g else '-'
            )
        shown = sorted(hashes.get(cell.key, set()) - {None})
        lines.append(
            f'| {cell.key}: {cell.label} | '
            f'{" ".join(map(str, sorted(mine))) or "queued"} | '
            + ' | '.join(cells + gains)
            + f' | {" ".join(shown) or "-"} |'
        )
    todo = 2 * len(DETECTION_SEEDS) - sum(len(v) for v in values.values())
    if todo:
        lines += [
            '',
            f"{todo} detector run(s) queued; the fair test's command runs "
            'them after its cells.',
        ]
    return '\n'.join(lines) + '\n'


def reading(blocks_rows: Dict[str, List[Dict]], seeds=SEEDS) -> str:
    """What the regime says about FT, written from the verdicts: per
    block, the FT cells by verdict on kNN and linear (cells still lacking
    seeds are listed as such, without a verdict)."""
    lines = ['## What the regime says about FT (from the verdicts)', '']
    for key, rows in blocks_rows.items():
        block = BLOCKS[key]
        ft = _ft_rows(rows)
        done = [r for r in ft if not set(seeds) - set(r['seeds'])]
        waiting = [r for r in ft if r not in done]
        parts = []
        for metric, name in (('knn_top1', 'kNN'), ('linear_top1', 'linear')):
            by: Dict[str, List[str]] = {}
            for r in done:
                v, mde = r[f'{metric}_verdict']
                g = r['stats'].get(f'{metric}_gain')
                if not g or mde is None:
                    continue
                by.setdefault(v, []).append(
                    f'{r["cell"].key} ({g["mean"]:+.1f}, 2 SE {mde:.1f})'
                )
            if by:
                parts.append(
                    f'{name}: '
                    + '; '.join(
                        f'{v} for {", ".join(cells)}'
                        for v, cells in sorted(by.items())
                    )
                )
        text = f'- **{block.title}**: ' + (
            '. '.join(parts) + '.' if parts else 'no cell has every seed yet.'
        )
        if waiting:
            text += (
                ' No verdict yet for '
                + ', '.join(
                    f'{r["cell"].key} ({len(r["seeds"])} of {len(seeds)} '
                    'seeds)'
                    for r in waiting
                )
                + '.'
            )
        lines.append(text)
    return '\n'.join(lines) + '\n'


def _shown(path: str) -> str:
    """``path`` relative to the working directory when inside it (the
    repository, for stored runs), else as given."""
    rel = osp.relpath(path)
    return path if rel.startswith('..') else rel


#: Why the cells (the report's second paragraph).
WHY = (
    "Why: FT's positive extrapolation lowers the positive score the loss "
    'sees by 2λ(λ−1)(1−S), small only where the encoder already aligns '
    "the views (S high, as in the paper's ImageNet runs); the tiny "
    "regime's projector starts at S ≈ 0. The cells test FT where that "
    'premise holds or is protected: a start gated on S ≥ 0.6 (C, S2; '
    'with D, FT from a fixed epoch 30, as its non-adaptive control), '
    'λ bounded to [1, 1.5] (E), re-normalised mixing (F), negative '
    "interpolation alone (G), and the paper's MLP head, under which S "
    'starts high (H, I). A gated run is its base run until the gate '
    "fires (tested), and starts from the base run's checkpoint there."
)


def block_sections(
    root: str,
    seeds: Sequence[int],
    out: str,
    blocks: Sequence[str] = tuple(BLOCKS),
    accept: Optional[Callable[[Cell, int], bool]] = None,
    command: Optional[str] = None,
) -> Tuple[List[str], List[str]]:
    """Per block: its table and plots (``<out stem>_plots/``: the online
    kNN curves, mean over seeds with the range shaded and dotted where a
    gated run's FT started, and the first seed's score curves per cell),
    from the runs under ``root`` that ``accept`` keeps. Returns (markdown
    sections, written plot paths)."""
    from ..visualization import NoStatsError, plot_learning_curves, plot_runs

    plots_dir = osp.splitext(out)[0] + '_plots'
    sections, written = [], []
    for key in blocks:
        block = BLOCKS[key]
        runs = collect(root, block, seeds, accept)
        rows = summarise(block, runs)
        text = block_markdown(block, rows, seeds, command)
        curves = {
            f'{r["cell"].key} {r["cell"].method} {r["cell"].variant}': {
                run['seed']: run['curve'] for run in r['runs']
            }
            for r in rows
        }
        marks = {
            f'{r["cell"].key} {r["cell"].method} {r["cell"].variant}': sorted(
                {g for g in r['gate'] if g is not None}
            )
            for r in rows
            if r['cell'].variant == 'gate'
        }
        png = plot_learning_curves(
            curves,
            osp.join(plots_dir, f'{key}_knn_curves'),
            f'{block.title}: online kNN top-1 on the held-out images',
            marks,
        )
        if png:
            written.append(png)
            rel = osp.relpath(png, osp.dirname(out))
            text += f'\n![{key} kNN curves]({rel})\n'
        first = [
            (r['cell'], run)
            for r in rows
            for run in r['runs']
            if run['seed'] == min(r['seeds'])
        ]
        if first:
            try:
                pngs = plot_runs(
                    [
                        osp.join(
                            run_dir(root, block, c, run['seed']), 'pretrain'
                        )
                        for c, run in first
                    ],
                    osp.join(plots_dir, key),
                    [f'{c.key} {c.variant}' for c, _ in first],
                    window=5,
                )
                written += pngs
                curves_png = [
                    p for p in pngs if p.endswith('score_curves.png')
                ]
                for p in curves_png:
                    text += (
                        f'\n![{key} score curves, first seed]'
                        f'({osp.relpath(p, osp.dirname(out))})\n'
                    )
            except NoStatsError:
                pass
        sections.append(text)
    return sections, written


def closing_sections(
    root: str,
    seeds: Sequence[int],
    blocks: Sequence[str] = tuple(BLOCKS),
    accept: Optional[Callable[[Cell, int], bool]] = None,
) -> List[str]:
    """The reading from the verdicts and (when the detection block is
    reported) the detection rows, from the runs under ``root``."""
    rows = {
        key: summarise(BLOCKS[key], collect(root, BLOCKS[key], seeds, accept))
        for key in blocks
    }
    out = [reading(rows, seeds)]
    if DETECTION_BLOCK in rows:
        out.append(detection_markdown(root, rows[DETECTION_BLOCK]))
    return out


def run_detection(
    root: str, repo: str, jobs: int, data_root: Optional[str] = None
) -> List[str]:
    """Run (or resume) the detection rows once the verdict has chosen the
    cell; returns one line per failed run (a line saying why it waits
    is printed instead while cells lack seeds)."""
    from .launcher import Sweep, ToolCalls, usable_parallelism

    block = BLOCKS[DETECTION_BLOCK]
    pair, why = detection_pair(summarise(block, collect(root, block, SEEDS)))
    print(f'[ft_fair_test] detection: {why}')
    if pair is None:
        return []
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    if data_root:
        env['FTCL_DEMO_DATA'] = data_root
    jobs, threads = usable_parallelism(jobs, None)
    env['FTCL_THREADS'] = str(threads)
    return Sweep('ft_fair_test detection', jobs).run(
        detection_jobs(root, pair, ToolCalls(repo, env)), threads
    )


def write_report(
    root: str,
    seeds: Sequence[int] = SEEDS,
    out: Optional[str] = None,
    blocks: Sequence[str] = tuple(BLOCKS),
) -> List[str]:
    """``fair_test.md`` and its plots (:func:`block_sections`) from the
    finished runs under ``root``; returns the written paths."""
    from ..utils.fileio import write_text

    out = out or osp.join(root, 'fair_test.md')
    commit = osp.join(root, 'commit.txt')
    commit = open(commit).read().strip()[:12] if osp.isfile(commit) else '?'
    sections, written = block_sections(root, seeds, out, blocks)
    head = [
        "# FT's fair test (tiny regime)",
        '',
        f'Generated by `python tools/studies/ft_fair_test.py --report-only '
        f'--work-dir {_shown(root)} --out {_shown(out)}` from the runs '
        f'stored there (code at commit {commit}; each cell names the sha256 '
        'of the config the Runner got). Seeds '
        f'{" ".join(map(str, seeds))}; kNN (k = 20) and cached linear top-1 '
        '(%) on the 10,000 held-out images; gains paired by seed with the '
        "cell's base (the `base` cell of its method); verdict: gain if "
        'mean - 2 SE > 0, loss if mean + 2 SE < 0, else no detectable '
        'effect (2 SE = the minimum detectable effect). Scores: the '
        "encoder's own positive / negative cosine score at step 0 (before "
        'any update) and over the last 10 % of training, and what the loss '
        'sees after FT.',
        '',
        WHY,
        '',
    ]
    sections += closing_sections(root, seeds, blocks)
    write_text(out, '\n'.join(head) + '\n' + '\n'.join(sections))
    return [out] + written


#: What the report reads of a run (beside result.json), kept by
#: :func:`store_runs`: small text files, no checkpoints.
STORED = (
    'result.json',
    'knn.json',
    'pretrain/score_stats.csv',
    'pretrain/online_knn.csv',
    'pretrain/ft_gate.json',
    'pretrain/*.py',
    'det/*/seed*/metrics.json',
    'det/*/seed*/*.py',
)


def store_runs(
    root: str,
    dest: str,
    blocks: Sequence[str] = tuple(BLOCKS),
    seeds: Sequence[int] = SEEDS,
) -> int:
    """Copy what the report reads of every finished run under ``root``
    to ``dest`` (same layout), so that the report can be regenerated from
    the repository; returns the number of runs stored."""
    import shutil

    n = 0
    for key in blocks:
        block = BLOCKS[key]
        for cell in block.cells:
            for seed in seeds:
                src = run_dir(root, block, cell, seed)
                if not osp.isfile(osp.join(src, 'result.json')):
                    continue
                dst = run_dir(dest, block, cell, seed)
                for pattern in STORED:
                    for path in glob.glob(osp.join(src, pattern)):
                        out = osp.join(dst, osp.relpath(path, src))
                        os.makedirs(osp.dirname(out), exist_ok=True)
                        shutil.copyfile(path, out)
                n += 1
    commit = osp.join(root, 'commit.txt')
    if osp.isfile(commit):
        os.makedirs(dest, exist_ok=True)
        shutil.copyfile(commit, osp.join(dest, 'commit.txt'))
    return n
