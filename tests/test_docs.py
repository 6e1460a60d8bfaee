"""Every relative link of the README and docs/ points at a file of the
repository (pages move; a dead link is a defect a reader finds first)."""

import os.path as osp
import re
import subprocess

from .conftest import ROOT

LINK = re.compile(r'\]\(([^)\s#]+)(?:#[^)\s]*)?\)')


def _markdown_files():
    out = subprocess.run(
        ['git', '-C', ROOT, 'ls-files', '*.md'],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [f for f in out if not f.startswith('docs/reports/runs/')]


def test_relative_links_resolve():
    files = _markdown_files()
    assert 'README.md' in files and len(files) > 10
    broken = []
    for f in files:
        with open(osp.join(ROOT, f)) as fh:
            text = fh.read()
        for target in LINK.findall(text):
            if re.match(r'^[a-z]+:', target):
                continue  # http:, https:, mailto:
            path = osp.normpath(osp.join(ROOT, osp.dirname(f), target))
            if not osp.exists(path):
                broken.append(f'{f} -> {target}')
    assert not broken, broken
