"""AtomicCheckpointRunner: a checkpoint appears under its final name only
once complete; an interrupted save leaves the previous files intact."""

import os

import pytest
import torch
from mmengine.fileio.backends import LocalBackend
from mmengine.model import BaseModel

from ftcl_mm.engine import AtomicCheckpointRunner


class _Toy(BaseModel):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        out = self.fc(torch.stack(inputs))
        return {'loss': out.sum()} if mode == 'loss' else out


def _runner(work_dir):
    data = [torch.ones(2)] * 4
    runner = AtomicCheckpointRunner(
        model=_Toy(),
        work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=data,
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='default_collate'),
            batch_size=2,
        ),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=1),
        default_hooks=dict(logger=None),
        default_scope='mmengine',
    )
    runner.optim_wrapper = runner.build_optim_wrapper(runner.optim_wrapper)
    return runner


def _save(runner, out_dir, name):
    runner.save_checkpoint(out_dir, name, save_param_scheduler=False)


def test_save_writes_the_same_file_atomically(tmp_path):
    runner = _runner(tmp_path)
    _save(runner, str(tmp_path), 'epoch_1.pth')
    ckpt = torch.load(tmp_path / 'epoch_1.pth', weights_only=True)
    assert set(ckpt) >= {'meta', 'state_dict', 'message_hub', 'optimizer'}
    assert torch.equal(
        ckpt['state_dict']['fc.weight'], runner.model.fc.weight.detach()
    )
    assert not [f for f in os.listdir(tmp_path) if '.tmp' in f]


def test_interrupted_save_leaves_no_final_name(tmp_path, monkeypatch):
    runner = _runner(tmp_path)
    _save(runner, str(tmp_path), 'epoch_1.pth')
    before = (tmp_path / 'epoch_1.pth').read_bytes()

    def half_then_die(self, obj, filepath):
        with open(filepath, 'wb') as f:
            f.write(obj[: len(obj) // 2])
        raise KeyboardInterrupt  # e.g. Ctrl-C or a full disk mid-write

    monkeypatch.setattr(LocalBackend, 'put', half_then_die)
    with pytest.raises(KeyboardInterrupt):
        _save(runner, str(tmp_path), 'epoch_2.pth')
    assert not (tmp_path / 'epoch_2.pth').exists()
    assert not [f for f in os.listdir(tmp_path) if '.tmp' in f]
    # Overwriting a name keeps the old file until the new one is whole.
    with pytest.raises(KeyboardInterrupt):
        _save(runner, str(tmp_path), 'epoch_1.pth')
    assert (tmp_path / 'epoch_1.pth').read_bytes() == before


def test_stale_temp_files_are_those_of_dead_writers(tmp_path):
    import subprocess
    import sys

    from ftcl_mm.engine.runner import stale_temp_files

    dead = subprocess.Popen([sys.executable, '-c', 'pass'])
    dead.wait()
    for name in (
        f'.epoch_2.tmp{dead.pid}.pth',  # its writer is gone: stale
        f'.epoch_3.tmp{os.getpid()}.pth',  # being written right now
        'epoch_1.pth',
        f'.notes.tmp{dead.pid}.txt',
    ):
        (tmp_path / name).write_bytes(b'x')
    assert stale_temp_files(str(tmp_path)) == [
        str(tmp_path / f'.epoch_2.tmp{dead.pid}.pth')
    ]


def test_a_full_disk_is_one_line(tmp_path, monkeypatch):
    """ENOSPC during a save: one TrainingError line, no temp file left,
    the earlier checkpoint intact."""
    import errno

    import pytest
    from mmengine.runner import Runner

    from ftcl_mm.engine import AtomicCheckpointRunner
    from ftcl_mm.utils.errors import TrainingError

    (tmp_path / 'epoch_1.pth').write_bytes(b'epoch 1')

    def full(self, out_dir, filename, **kw):
        with open(os.path.join(out_dir, filename), 'wb') as f:
            f.write(b'half')
        raise OSError(errno.ENOSPC, 'No space left on device')

    monkeypatch.setattr(Runner, 'save_checkpoint', full)
    runner = object.__new__(AtomicCheckpointRunner)
    with pytest.raises(TrainingError) as e:
        runner.save_checkpoint(str(tmp_path), 'epoch_2.pth')
    assert str(e.value).startswith(
        f'no space left on the disk of {tmp_path} while saving epoch_2.pth'
    )
    assert sorted(os.listdir(tmp_path)) == ['epoch_1.pth']
    assert (tmp_path / 'epoch_1.pth').read_bytes() == b'epoch 1'
