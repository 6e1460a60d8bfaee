"""A throw-away repository (the configs only) and a run store whose runs
record the recipes those configs resolve to."""

import os.path as osp
import shutil

import pytest

from ftcl_mm.sweep.book import RunCell, eval_recipe, recipe
from ftcl_mm.utils.fileio import write_json

ROOT = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
)


@pytest.fixture
def repo(tmp_path) -> str:
    """A copy of the repository's configs (editing them leaves the real
    ones alone)."""
    out = tmp_path / 'repo'
    shutil.copytree(osp.join(ROOT, 'configs'), out / 'configs')
    return str(out)


def store_run(repo, store, cell: RunCell, seed, knn=50.0, recorded=True):
    """A finished run of ``cell`` in ``store`` recording the recipe the
    configs of ``repo`` give it now (or none: a run from before)."""
    prov = dict(
        commit='0123456789abcdef',
        date='2026-12-07T05:00:00+0000',
        machine=dict(cores=2, cpu='cpu', gpu=None, torch='2.x'),
    )
    if recorded:
        prov.update(
            recipe_hash=recipe(repo, cell, seed),
            eval_hash=eval_recipe(repo, cell),
        )
    method, variant = (
        ('random', 'init') if cell.is_random else (cell.method, cell.variant)
    )
    write_json(
        osp.join(cell.run_dir(store, seed), 'result.json'),
        dict(
            method=method,
            variant=variant,
            seed=seed,
            knn_top1=knn,
            linear_top1=knn + 3,
            effective_rank=20.0,
            wall_s=60.0,
            provenance=prov,
        ),
    )
