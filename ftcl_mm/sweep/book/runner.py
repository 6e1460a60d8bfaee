"""Run what a study lacks: the (cell, seed) runs that the store has no
current result for, trained in a scratch work dir by the study tools
(``ft_study.py``, ``ft_fair_test.py``: resumable, side by side with
deliberate threads), then copied into the store.
"""

from __future__ import annotations

import os.path as osp
import subprocess
import sys
from typing import Dict, List, Optional, Sequence, Tuple

from ...utils.errors import UserInputError
from .cells import RunCell
from .store import CURRENT, MISSING, StoredRun, copy_run, load, set_aside
from .studies import Study


def pending(
    repo: str,
    study: Study,
    cells: Sequence[RunCell],
    seeds: Sequence[int],
    store: str,
    work_dir: str,
    rerun_stale: bool,
) -> Tuple[List[StoredRun], List[StoredRun]]:
    """``(to run, stale and left as they are)``: runs without a current
    result in the store nor in ``work_dir``; a stale one only with
    ``rerun_stale`` (its work-dir folder is set aside first)."""
    cache: Dict = {}
    needs = study.needs
    stored = load(repo, cells, seeds, store, cache, needs)
    scratch = {
        (r.cell, r.seed): r
        for r in load(repo, cells, seeds, work_dir, cache, needs)
    }
    todo, kept = [], []
    for r in stored:
        w = scratch[(r.cell, r.seed)]
        if CURRENT in (r.status, w.status):
            continue
        if (r.status, w.status) != (MISSING, MISSING) and not rerun_stale:
            kept.append(r)  # a stale result, in the store or the work dir
            continue
        if w.status != MISSING:
            set_aside(w.path, w.provenance.get('recipe_hash') or 'old')
        todo.append(w)
    return todo, kept


def commands(
    study: Study,
    todo: Sequence[StoredRun],
    work_dir: str,
    jobs: Optional[int],
    data_root: Optional[str],
) -> List[List[str]]:
    """The study-tool calls that run ``todo`` (tool path relative to the
    repository, then its arguments)."""
    common = []
    if jobs:
        common += ['--jobs', str(jobs)]
    if data_root:
        common += ['--data-root', data_root]
    if not todo:
        return []
    if study.runner == 'fair_test':
        from .. import fair_test

        blocks = [
            b.key
            for b in fair_test.PROTOCOL
            if any(r.cell.epochs == b.epochs for r in todo)
        ]
        seeds = sorted({r.seed for r in todo})
        return [
            [
                'tools/studies/ft_fair_test.py',
                '--work-dir',
                work_dir,
                '--blocks',
                *blocks,
                '--seeds',
                *map(str, seeds),
                *common,
            ]
        ]
    groups: Dict[Tuple, Dict[str, set]] = {}
    for r in todo:
        c = r.cell
        g = groups.setdefault(
            (c.study_dir(work_dir), c.epochs, c.options, c.method),
            {'variants': set(), 'seeds': set()},
        )
        g['variants'].add(c.variant)
        g['seeds'].add(r.seed)
    out = []
    for (wd, epochs, options, method), g in groups.items():
        cmd = [
            'tools/studies/ft_study.py',
            '--work-dir',
            wd,
            '--methods',
            method,
            '--variants',
            *sorted(g['variants']),
            '--seeds',
            *map(str, sorted(g['seeds'])),
            '--epochs',
            str(epochs),
            *common,
        ]
        if method != 'random':
            cmd.append('--no-random-init')
        if options:
            cmd += ['--cfg-options', *options]
        out.append(cmd)
    return out


def run(
    repo: str,
    study: Study,
    cells: Sequence[RunCell],
    seeds: Sequence[int],
    store: str,
    work_dir: str,
    jobs: Optional[int] = None,
    data_root: Optional[str] = None,
    rerun_stale: bool = False,
    dry_run: bool = False,
) -> int:
    """Run what ``study`` lacks for ``cells`` x ``seeds`` and store every
    finished run; returns how many runs were stored."""
    todo, kept = pending(
        repo, study, cells, seeds, store, work_dir, rerun_stale
    )
    if kept:
        print(
            f'[book] {study.name}: {len(kept)} stale run(s) kept as they '
            'are (--rerun-stale re-runs them)'
        )
    cmds = commands(study, todo, work_dir, jobs, data_root)
    print(
        f'[book] {study.name}: {len(todo)} run(s) to do in {len(cmds)} '
        f'call(s) -> {work_dir}',
        flush=True,
    )
    for n, cmd in enumerate(cmds, 1):
        if dry_run:
            print(f'[book] call {n}/{len(cmds)}: {" ".join(cmd)}', flush=True)
            continue
        _call(repo, cmd, f'call {n}/{len(cmds)}')
    if 'suite.json' in study.needs:
        for r in todo:
            suite_step(repo, r, dry_run)
    if study.kind == 'det':
        for r in todo:
            det_step(repo, r, dry_run)
    if dry_run:
        return 0
    return store_finished(repo, cells, seeds, work_dir, store, study.needs)


def _call(repo: str, cmd: List[str], what: str) -> None:
    """Run a tool (path relative to ``repo``) in this interpreter."""
    print(f'[book] {what}: {" ".join(cmd)}', flush=True)
    rc = subprocess.call([sys.executable, osp.join(repo, cmd[0]), *cmd[1:]])
    if rc == 130:
        raise KeyboardInterrupt
    if rc != 0:
        raise UserInputError(
            f'{osp.basename(cmd[0])} exited {rc}; its log names what '
            f'failed (the same command resumes): python {" ".join(cmd)}'
        )


#: The fine-tuning column of the claims table (the CUB config's tiny diff).
FINETUNE_CONFIG = (
    'configs/benchmarks/classification/tiny/'
    'resnet18w16_finetune_finegrained_tiny.py'
)


def suite_commands(r: StoredRun) -> List[Tuple[str, List[str]]]:
    """What evaluates a finished run's backbone downstream (random init:
    none) and has not yet: ``('suite', ...)``, the suite's row on cached
    features (``downstream_suite.py``), and ``('fine-tune', ...)``, the
    fine-grained task through ``train.py`` with the tiny CUB config."""
    backbone = 'none' if r.cell.is_random else osp.join(r.path, 'backbone.pth')
    out = []
    if not osp.isfile(osp.join(r.path, 'suite_probe.json')):
        out.append(
            (
                'suite',
                [
                    'tools/benchmarks/downstream_suite.py',
                    r.cell.eval_config,
                    '--pretrained',
                    backbone,
                    '--seed',
                    str(r.seed),
                    '--out',
                    osp.join(r.path, 'suite_probe.json'),
                ],
            )
        )
    ft_dir = osp.join(r.path, 'finetune_finegrained')
    if not osp.isfile(osp.join(ft_dir, 'metrics.json')):
        out.append(
            (
                'fine-tune',
                [
                    'tools/train.py',
                    FINETUNE_CONFIG,
                    '--work-dir',
                    ft_dir,
                    '--resume',
                    '--pretrained',
                    backbone,
                    '--cfg-options',
                    f'randomness.seed={r.seed}',
                ],
            )
        )
    return out


def suite_step(repo: str, r: StoredRun, dry_run: bool = False) -> None:
    """Run :func:`suite_commands` (each part resumes on its own) and merge
    their results into ``suite.json`` beside ``result.json``."""
    from ...formats.run_results import final_metrics
    from ...utils.fileio import read_json, write_json

    out = osp.join(r.path, 'suite.json')
    if osp.isfile(out):
        return
    ft_dir = osp.join(r.path, 'finetune_finegrained')
    for what, cmd in suite_commands(r):
        if dry_run:
            print(f'[book] {what}: {" ".join(cmd)}', flush=True)
            continue
        _call(repo, cmd, what)
        if what == 'fine-tune':
            metrics = final_metrics(ft_dir)
            if 'accuracy/top1' not in metrics:
                raise UserInputError(
                    f'fine-tuning wrote no accuracy; see {ft_dir}'
                )
            write_json(osp.join(ft_dir, 'metrics.json'), metrics)
    if dry_run:
        return
    row = dict(read_json(osp.join(r.path, 'suite_probe.json')))
    metrics = read_json(osp.join(ft_dir, 'metrics.json'))
    row['finegrained_finetune'] = float(metrics['accuracy/top1'])
    write_json(out, row)


def det_step(repo: str, r: StoredRun, dry_run: bool = False) -> None:
    """Fine-tune every tiny detector on a finished run's backbone (random
    init: none) at the detection study's detector seed; each detector's
    final metrics go to ``det/<detector>/seed<N>/metrics.json`` under the
    run (the Runner's work dir beside it, resumable)."""
    from ...formats.run_results import final_metrics
    from ...utils.fileio import write_json
    from .studies import DET_SEED, DETECTORS, det_metrics_file

    backbone = 'none' if r.cell.is_random else osp.join(r.path, 'backbone.pth')
    for name, (config, _) in DETECTORS.items():
        done = osp.join(r.path, det_metrics_file(name))
        if osp.isfile(done):
            continue
        work = osp.dirname(done)
        cmd = [
            'tools/train.py',
            config,
            '--work-dir',
            work,
            '--resume',
            '--pretrained',
            backbone,
            '--cfg-options',
            f'randomness.seed={DET_SEED}',
        ]
        if dry_run:
            print(f'[book] detector {name}: {" ".join(cmd)}', flush=True)
            continue
        _call(repo, cmd, f'detector {name}')
        metrics = final_metrics(work)
        if not metrics:
            raise UserInputError(
                f'the {name} detector wrote no metrics: {work}'
            )
        write_json(done, metrics)


def store_finished(
    repo: str,
    cells: Sequence[RunCell],
    seeds: Sequence[int],
    work_dir: str,
    store: str,
    needs: Sequence[str] = (),
) -> int:
    """Copy every current run of ``work_dir`` (holding ``needs`` too)
    that the store lacks (or holds stale) into the store; returns how
    many."""
    cache: Dict = {}
    have = {
        (r.cell, r.seed): r
        for r in load(repo, cells, seeds, store, cache, needs)
    }
    n = 0
    for r in load(repo, cells, seeds, work_dir, cache, needs):
        if r.status == CURRENT and have[(r.cell, r.seed)].status != CURRENT:
            copy_run(r.path, r.cell.run_dir(store, r.seed))
            n += 1
    return n
