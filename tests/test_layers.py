"""The package's floors: a module imports only from its own room or the
rooms below it (lazy imports inside functions included), so a lower layer
never reaches up into engine/, sweep/ or tools/."""

import ast
import os
import os.path as osp

from .conftest import ROOT

#: Room -> floor; a room may import rooms on lower floors only.
FLOORS = {
    'utils': 0,
    'datasets': 1,
    'formats': 1,
    'models': 2,
    'evaluation': 2,
    'visualization': 2,
    'engine': 3,
    'sweep': 4,
}


def _imports(path: str, package: list) -> set:
    """The ftcl_mm rooms a module imports (absolute or relative)."""
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    rooms = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = base + (node.module.split('.') if node.module else [])
                if len(mod) == 1:  # from . import room
                    rooms.update(a.name for a in node.names)
                    continue
            else:
                mod = (node.module or '').split('.')
            if mod[0] == 'ftcl_mm' and len(mod) > 1:
                rooms.add(mod[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                mod = alias.name.split('.')
                if mod[0] == 'ftcl_mm' and len(mod) > 1:
                    rooms.add(mod[1])
    return rooms


def test_every_import_goes_down_a_floor():
    pkg = osp.join(ROOT, 'ftcl_mm')
    rooms = {
        d
        for d in os.listdir(pkg)
        if osp.isfile(osp.join(pkg, d, '__init__.py'))
    }
    assert rooms == set(FLOORS), 'a new room needs its floor in FLOORS'
    upward = []
    for room in rooms:
        for folder, _, files in os.walk(osp.join(pkg, room)):
            for name in files:
                if not name.endswith('.py'):
                    continue
                path = osp.join(folder, name)
                package = osp.relpath(folder, ROOT).split(os.sep)
                for target in _imports(path, package) & set(FLOORS):
                    if target != room and FLOORS[target] >= FLOORS[room]:
                        upward.append(f'{osp.relpath(path, ROOT)} -> {target}')
    assert not upward, upward


def test_the_check_sees_an_upward_import(tmp_path):
    bad = tmp_path / 'bad.py'
    bad.write_text(
        'from ..engine import runner\nimport ftcl_mm.sweep.launcher\n'
    )
    assert _imports(str(bad), ['ftcl_mm', 'utils']) == {'engine', 'sweep'}
