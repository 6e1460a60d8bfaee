"""The book's run store: finished runs of every cell, each with the recipe
it was trained and evaluated with, and which of them are stale.

A run is ``<store>/<cell key>/seed<N>/`` holding ``result.json`` (written
by ``ft_study.py``, with ``provenance``: commit, recipe hash, evaluation
hash, date, machine) and the small files its report reads (score
statistics, online kNN curve, gate epoch, the config the Runner got); no
checkpoints. A run is *current* when its recorded recipe and evaluation
hashes are what the cell resolves to now, *stale* when either differs,
*unrecorded* when it predates recorded recipes (treated as stale).
"""

from __future__ import annotations

import glob
import os
import os.path as osp
import shutil
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence

from ...utils.errors import UserInputError
from ...utils.fileio import read_json
from .cells import RunCell, eval_recipe, recipe

#: What a stored run keeps beside ``result.json`` (globs under the run).
STORED = (
    'result.json',
    'knn.json',
    'suite.json',
    'pretrain/score_stats.csv',
    'pretrain/online_knn.csv',
    'pretrain/ft_gate.json',
    'pretrain/*.py',
    'det/*/seed*/metrics.json',
    'det/*/seed*/*.py',
)

CURRENT, STALE, UNRECORDED, MISSING = (
    'current',
    'stale',
    'unrecorded',
    'missing',
)


@dataclass
class StoredRun:
    """One (cell, seed) of the store and its standing."""

    cell: RunCell
    seed: int
    path: str
    status: str
    result: Dict = field(default_factory=dict)
    recipe_now: Optional[str] = None
    eval_now: Optional[str] = None

    @property
    def provenance(self) -> Dict:
        return self.result.get('provenance') or {}

    def why_stale(self) -> str:
        """What differs, for messages: ``recipe A -> B``, ``evaluation``..."""
        p = self.provenance
        if self.status == UNRECORDED:
            return 'no recipe recorded (run before recipes were recorded)'
        out = []
        if p.get('recipe_hash') != self.recipe_now:
            out.append(f'recipe {p.get("recipe_hash")} -> {self.recipe_now}')
        if p.get('eval_hash') and p.get('eval_hash') != self.eval_now:
            out.append(f'evaluation {p.get("eval_hash")} -> {self.eval_now}')
        return ', '.join(out)


def _check_owner(cell: RunCell, seed: int, result: Dict, path: str) -> None:
    """A result in a cell's folder must be that cell's run."""
    want = (
        ('random', 'init') if cell.is_random else (cell.method, cell.variant)
    )
    got = (result.get('method'), result.get('variant'))
    if got != want or result.get('seed') != seed:
        raise UserInputError(
            f'{path} holds the result of {got[0]}/{got[1]} seed '
            f'{result.get("seed")}, not of cell {cell.key} seed {seed}: '
            "results from another study's layout; give this study a work "
            'dir / store of its own'
        )


def standing(
    repo: str,
    cell: RunCell,
    seed: int,
    root: str,
    cache: Dict,
    needs: Sequence[str] = (),
) -> StoredRun:
    """The (cell, seed) run under ``root`` with its status; ``cache``
    memoises the hashes (resolving a config takes ~0.1 s). ``needs``:
    further files the run must hold to count (e.g. ``suite.json``, the
    downstream evaluation); without them it is missing."""
    path = cell.run_dir(root, seed)
    res = osp.join(path, 'result.json')
    if not osp.isfile(res) or any(
        not osp.isfile(osp.join(path, n)) for n in needs
    ):
        return StoredRun(cell, seed, path, MISSING)
    result = read_json(res)
    _check_owner(cell, seed, result, res)
    rec_now = recipe(repo, cell, seed, cache)
    ev_now = eval_recipe(repo, cell, cache)
    p = result.get('provenance') or {}
    if cell.is_random:
        # random init trains nothing: only its evaluation can go stale
        ok = p.get('eval_hash') in (None, ev_now)
        status = CURRENT if ok else STALE
    elif not p.get('recipe_hash'):
        status = UNRECORDED
    elif p['recipe_hash'] != rec_now or (
        p.get('eval_hash') and p['eval_hash'] != ev_now
    ):
        status = STALE
    else:
        status = CURRENT
    return StoredRun(cell, seed, path, status, result, rec_now, ev_now)


def load(
    repo: str,
    cells: Iterable[RunCell],
    seeds: Sequence[int],
    root: str,
    cache: Optional[Dict] = None,
    needs: Sequence[str] = (),
) -> List[StoredRun]:
    """Every (cell, seed) under ``root``, in cell then seed order
    (``needs``: see :func:`standing`)."""
    cache = {} if cache is None else cache
    return [
        standing(repo, c, s, root, cache, needs) for c in cells for s in seeds
    ]


def copy_run(src: str, dst: str) -> None:
    """Copy what a report reads of the run ``src`` to ``dst`` (replacing
    an older copy there)."""
    if osp.isdir(dst):
        shutil.rmtree(dst)
    for pattern in STORED:
        for path in glob.glob(osp.join(src, pattern)):
            out = osp.join(dst, osp.relpath(path, src))
            os.makedirs(osp.dirname(out), exist_ok=True)
            shutil.copyfile(path, out)


def set_aside(path: str, tag: str) -> str:
    """Rename a stale run folder to ``<path>.stale-<tag>`` (never
    deleted: its checkpoints may be wanted) so that it is re-run."""
    dest = f'{path}.stale-{tag}'
    n = 1
    while osp.exists(dest):
        n += 1
        dest = f'{path}.stale-{tag}-{n}'
    os.rename(path, dest)
    return dest


def backfill(
    repo: str, runs: Sequence[StoredRun], commit: str, recompute: bool = False
) -> int:
    """Record the recipe of runs that predate recorded recipes
    (``unrecorded``), computed from the configs at ``commit``, the code
    that produced them (checked out in a temporary git worktree); each
    gets ``provenance.backfilled_from``. ``recompute``: instead re-record
    the runs that ``commit`` made (their recorded commit), for when the
    recipe hash's definition changed after them. Returns how many were
    written."""
    import subprocess
    import tempfile

    from ...utils.fileio import write_json

    if recompute:  # only what that commit made, never an older run
        todo = [
            r
            for r in runs
            if r.status != MISSING
            and (r.provenance.get('commit') or '').startswith(commit)
        ]
    else:
        todo = [r for r in runs if r.status == UNRECORDED]
    if not todo:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        tree = osp.join(tmp, 'tree')
        try:
            subprocess.run(
                [
                    'git',
                    '-C',
                    repo,
                    'worktree',
                    'add',
                    '--detach',
                    tree,
                    commit,
                ],
                check=True,
                capture_output=True,
                text=True,
            )
        except subprocess.CalledProcessError as e:
            raise UserInputError(
                f'cannot check out {commit}: {e.stderr.strip()}; give the '
                'commit that produced the runs (git log)'
            ) from None
        full = subprocess.run(
            ['git', '-C', tree, 'rev-parse', 'HEAD'],
            capture_output=True,
            text=True,
        ).stdout.strip()
        try:
            for r in todo:
                prov = dict(r.provenance)
                prov.update(
                    commit=prov.get('commit') or full,
                    recipe_hash=recipe(tree, r.cell, r.seed),
                    eval_hash=eval_recipe(tree, r.cell),
                    backfilled_from=full,
                )
                write_json(
                    osp.join(r.path, 'result.json'),
                    dict(r.result, provenance=prov),
                )
        finally:
            subprocess.run(
                ['git', '-C', repo, 'worktree', 'remove', '--force', tree],
                capture_output=True,
            )
    return len(todo)
