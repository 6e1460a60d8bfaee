"""The manifest: every cell of every study resolves to a recipe, shared
cells are one cell, each gain has its reference."""

import re

from ftcl_mm.sweep.book import RunCell, eval_recipe, recipe, reference, studies

from .conftest import ROOT

HEX = re.compile(r'^[0-9a-f]{12}$')


def test_every_cell_of_every_study_resolves():
    cells = {c for s in studies(ROOT).values() for c in s.cells}
    assert len(cells) > 30
    memo = {}  # each config file parsed once
    for cell in cells:
        if cell.is_random:
            assert recipe(ROOT, cell) is None
        else:
            assert HEX.match(recipe(ROOT, cell, 0, memo)), cell
        assert HEX.match(eval_recipe(ROOT, cell, memo)), cell


def test_cells_are_unique_and_shared_across_studies():
    book = studies(ROOT)
    for s in book.values():
        keys = [c.key for c in s.cells]
        assert len(keys) == len(set(keys)), s.name
    simclr = RunCell('simclr')
    # one run serves the regime, the families, T7, the fair test's S0 and
    # the downstream, data-efficiency and detection rows
    shared = (
        'regime',
        'families',
        'ft_ablations',
        'fair_test',
        'downstream',
        'data_efficiency',
        'detection',
    )
    assert all(simclr in book[name].cells for name in shared)
    assert simclr not in book['momentum'].cells  # MoCo v2 only


def test_seeds_change_the_recipe_and_options_the_folder():
    a, b = RunCell('mocov2', epochs=60), RunCell('mocov2', epochs=20)
    assert recipe(ROOT, a, 0) != recipe(ROOT, a, 1)
    assert recipe(ROOT, a, 0) != recipe(ROOT, b, 0)
    assert a.key == '60ep/mocov2/base'
    assert RunCell('mocov2', tag='m0.5').key == '20ep/m0.5/mocov2/base'
    assert RunCell('random').key == '20ep/random'


def test_references():
    cells = studies(ROOT)['families'].cells
    assert reference(RunCell('byol', 'both'), cells) == RunCell('byol')
    assert reference(RunCell('byol'), cells) == RunCell('random')
    assert reference(RunCell('random'), cells) is None
    fair = studies(ROOT)['fair_test'].cells
    gate = next(c for c in fair if c.variant == 'gate' and c.epochs == 60)
    base = reference(gate, fair)
    # the MoCo v2 base keeps every checkpoint: the gated cell starts there
    assert base.options and base.method == 'mocov2'
