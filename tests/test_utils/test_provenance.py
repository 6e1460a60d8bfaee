"""utils.provenance: the recipe of a result as data."""

import os.path as osp
import subprocess

from ftcl_mm.utils.provenance import dumped_config_hash, git_commit, provenance


def test_commit_and_config_hash(tmp_path):
    repo = tmp_path / 'repo'
    repo.mkdir()
    run = lambda *a: subprocess.run(  # noqa: E731
        ['git', '-C', str(repo), *a], check=True, capture_output=True
    )
    run('init', '-q')
    (repo / 'a.py').write_text('x = 1\n')
    store = repo / 'docs/reports/runs'
    store.mkdir(parents=True)
    (store / 'r.jsonl').write_text('{}\n')
    run('add', 'a.py', 'docs')
    run('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'a')
    head = git_commit(str(repo))
    assert len(head) == 40
    # A result appended to the run store is not a change of the code.
    (store / 'r.jsonl').write_text('{}\n{}\n')
    assert git_commit(str(repo)) == head
    (repo / 'a.py').write_text('x = 2\n')
    assert git_commit(str(repo)) == head + '+dirty'
    assert git_commit(str(tmp_path)) is None  # not a checkout
    work = tmp_path / 'w'
    work.mkdir()
    assert dumped_config_hash(str(work)) is None
    (work / 'simclr_tiny.py').write_text("model = dict(type='SimCLRFT')\n")
    h = dumped_config_hash(str(work))
    assert len(h) == 12
    (work / 'simclr_tiny.py').write_text("model = dict(type='MoCoFT')\n")
    assert dumped_config_hash(str(work)) != h
    p = provenance(str(repo), str(work))
    assert p['commit'] == head + '+dirty' and p['config_hash']
    assert p['machine']['cores'] >= 1 and p['machine']['torch']
    assert osp.isdir(str(repo))
