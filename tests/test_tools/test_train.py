"""tools/train.py and tools/dist_train.sh on the demo MoCo v2 config."""

import os.path as osp
import sys

import torch

from ..conftest import python_cli, run_cli, scalars, train_opts

DEMO_CFG = 'configs/selfsup/demo/mocov2_demo.py'
FT_CFG = 'configs/selfsup/demo/mocov2_ft_demo.py'


def test_train_two_iterations_then_resume(demo_data, tmp_path):
    work = str(tmp_path / 'work')
    r = python_cli(
        'tools/train.py',
        DEMO_CFG,
        '--work-dir',
        work,
        *train_opts(demo_data, epochs=1),
    )
    assert r.returncode == 0, r.stderr[-3000:]
    ckpt = osp.join(work, 'epoch_1.pth')
    # Loads under the torch default (weights_only=True) thanks to ftcl_mm.
    state = torch.load(ckpt, map_location='cpu')
    assert state['meta']['iter'] == 2
    assert 'queue' in state['state_dict']
    assert [row['iter'] for row in scalars(work)] == [1, 2]

    r = python_cli(
        'tools/train.py',
        DEMO_CFG,
        '--work-dir',
        work,
        '--resume',
        *train_opts(demo_data, epochs=2),
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'resumed epoch: 1, iter: 2' in r.stdout + r.stderr
    state2 = torch.load(osp.join(work, 'epoch_2.pth'), map_location='cpu')
    assert state2['meta']['iter'] == 4
    # The queue pointer continued from the resumed state: 4 batches of 16
    # keys have been enqueued in total.
    assert int(state2['state_dict']['queue_ptr']) == (4 * 16) % 256
    # The resumed run logged iterations 3 and 4, no repeats.
    assert [row['iter'] for row in scalars(work)] == [1, 2, 3, 4]


def test_dist_train_two_cpu_processes(demo_data, tmp_path):
    work = str(tmp_path / 'dist')
    # The FT variant: its state (lambda stream) must pass mmengine's
    # broadcast of model state and be identical on both ranks.
    r = run_cli(
        [
            'bash',
            'tools/dist_train.sh',
            FT_CFG,
            '2',
            '--work-dir',
            work,
            *train_opts(demo_data, epochs=1),
        ],
        env=dict(FTCL_PYTHON=sys.executable, PORT='29531'),
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    assert 'Distributed launcher: pytorch' in out or 'launcher' in out
    state = torch.load(osp.join(work, 'epoch_1.pth'), map_location='cpu')
    # 32 images, 2 ranks x batch 16, drop_last: one iteration whose keys
    # from both ranks were all-gathered into the queue.
    assert state['meta']['iter'] == 1
    assert int(state['state_dict']['queue_ptr']) == 32
    assert state['state_dict']['ft.rng_state'].tolist() == [1, 0]


def test_missing_data_root_is_one_clear_line(tmp_path):
    r = python_cli(
        'tools/train.py',
        DEMO_CFG,
        '--work-dir',
        str(tmp_path / 'w'),
        '--cfg-options',
        'train_dataloader.dataset.data_root=/no/such/root',
    )
    assert r.returncode == 2
    errors = [ln for ln in r.stderr.splitlines() if 'error' in ln]
    assert errors == [
        "train.py: error: dataset root '/no/such/root' "
        '(train_dataloader.dataset.data_root) does not exist; generate the '
        'demo data with `python tools/make_demo_data.py` or point the '
        'config at your data with --cfg-options '
        'train_dataloader.dataset.data_root=PATH'
    ]
    assert not osp.exists(str(tmp_path / 'w'))


def test_help():
    assert 'usage' in python_cli('tools/train.py', '--help').stdout
    r = run_cli(['bash', 'tools/dist_train.sh', '--help'])
    assert r.returncode == 0 and 'usage' in r.stdout
    r = run_cli(['bash', 'tools/dist_train.sh', DEMO_CFG, 'x'])
    assert r.returncode == 2 and 'NGPUS' in r.stderr
