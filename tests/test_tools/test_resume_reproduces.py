"""A run killed after a checkpoint and resumed repeats the straight run:
same per-iteration loss (persistent DataLoader workers on, as in the
configs), and score_stats.csv has every iteration exactly once."""

import os
import os.path as osp
import signal
import subprocess
import sys
import time

from ftcl_mm.formats.score_csv import read_rows
from ftcl_mm.utils.threads import default_threads

from ..conftest import ROOT, python_cli

CFG = 'configs/selfsup/demo/mocov2_ft_demo.py'
EPOCHS = 6  # 2 iterations each on the test data


def _args(demo_data, work):
    # The config's own loader: 2 persistent workers, shuffled.
    return [
        osp.join(ROOT, 'tools/train.py'),
        CFG,
        '--work-dir',
        work,
        '--cfg-options',
        f'train_dataloader.dataset.data_root={demo_data}/imagenet/',
        f'train_cfg.max_epochs={EPOCHS}',
        'default_hooks.checkpoint.interval=1',
        'default_hooks.logger.interval=1',
    ]


def test_killed_and_resumed_equals_straight(demo_data, tmp_path):
    straight = str(tmp_path / 'straight')
    r = python_cli('tools/train.py', *_args(demo_data, straight)[1:])
    assert r.returncode == 0, r.stderr[-3000:]

    crashed = str(tmp_path / 'crashed')
    env = dict(
        os.environ,
        PYTHONWARNINGS='ignore',
        FTCL_THREADS=str(default_threads()),
    )
    proc = subprocess.Popen(
        [sys.executable, *_args(demo_data, crashed)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 300
    while not osp.isfile(osp.join(crashed, 'epoch_2.pth')):
        assert proc.poll() is None and time.time() < deadline
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers
    assert proc.wait() == -signal.SIGKILL
    r = python_cli(
        'tools/train.py', *_args(demo_data, crashed)[1:], '--resume'
    )
    assert r.returncode == 0, r.stderr[-3000:]

    want = read_rows(osp.join(straight, 'score_stats.csv'))
    got = read_rows(osp.join(crashed, 'score_stats.csv'))
    iters = list(range(1, 2 * EPOCHS + 1))
    assert [row['iter'] for row in got] == iters  # no gap, no duplicate
    assert [row['iter'] for row in want] == iters
    for a, b in zip(want, got):
        rel = abs(a['loss'] - b['loss']) / abs(a['loss'])
        assert rel < 1e-4, (a['iter'], a['loss'], b['loss'])
    # Augmentations differ between epochs: so do the losses.
    assert len({round(row['loss'], 4) for row in want}) == len(want)
