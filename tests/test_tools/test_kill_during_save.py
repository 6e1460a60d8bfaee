"""kill -9 in the middle of writing a checkpoint: the half-written bytes
never sit under the checkpoint's name, ``last_checkpoint`` still names the
previous one, and a bare ``--resume`` continues from it (and removes the
torn temp file)."""

import os
import os.path as osp
import signal

import torch

from ..conftest import python_cli, train_opts

CFG = 'configs/selfsup/demo/mocov2_ft_demo.py'

#: Loaded at interpreter start-up via PYTHONPATH: the second checkpoint
#: write stops half-way with SIGKILL (no clean-up can run).
SITECUSTOMIZE = """
import os, signal
from mmengine.fileio.backends import local_backend

_put = local_backend.LocalBackend.put
_saves = []


def put(self, obj, filepath):
    if str(filepath).endswith('.pth'):
        _saves.append(filepath)
        if len(_saves) == 2:
            with open(filepath, 'wb') as f:
                f.write(obj[: len(obj) // 3])
                f.flush()
            os.kill(os.getpid(), signal.SIGKILL)
    return _put(self, obj, filepath)


local_backend.LocalBackend.put = put
"""


def test_kill_during_checkpoint_save(demo_data, tmp_path):
    hook_dir = tmp_path / 'inject'
    hook_dir.mkdir()
    (hook_dir / 'sitecustomize.py').write_text(SITECUSTOMIZE)
    work = tmp_path / 'w'
    args = ['tools/train.py', CFG, '--work-dir', str(work)]
    r = python_cli(
        *args,
        *train_opts(demo_data, epochs=3),
        env={'PYTHONPATH': str(hook_dir)},
    )
    assert r.returncode == -signal.SIGKILL, r.stderr[-3000:]
    names = sorted(os.listdir(work))
    assert 'epoch_1.pth' in names and 'epoch_2.pth' not in names, names
    partial = [n for n in names if n.startswith('.epoch_2.tmp')]
    assert len(partial) == 1, names  # the torn bytes, under a hidden name
    with open(work / 'last_checkpoint') as f:
        assert f.read().strip() == str(work / 'epoch_1.pth')

    r = python_cli(*args, '--resume', *train_opts(demo_data, epochs=3))
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'resumed epoch: 1' in r.stdout + r.stderr
    for epoch in (2, 3):
        ckpt = torch.load(work / f'epoch_{epoch}.pth', weights_only=True)
        assert ckpt['meta']['epoch'] == epoch
    # The resumed run removed the dead writer's torn bytes.
    assert not osp.exists(work / partial[0])
    assert f'removing {work / partial[0]}' in r.stdout + r.stderr
