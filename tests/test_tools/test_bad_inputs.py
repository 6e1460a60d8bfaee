"""Every mistake a user can make with tools/train.py ends in one line
``train.py: error: ...`` and exit code 2, without a traceback."""

import os
import os.path as osp
import shutil

import pytest
import torch

from ..conftest import python_cli, train_opts

SELFSUP = 'configs/selfsup/demo/mocov2_ft_demo.py'
LINEAR = 'configs/benchmarks/classification/demo/resnet18_linear_demo.py'


class _Evil:
    """Unpickling it would run a shell command."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}',))


@pytest.fixture(scope='module')
def bad_files(tmp_path_factory, pretrain_ckpt):
    d = tmp_path_factory.mktemp('bad')
    files = dict(marker=str(d / 'pwned'))
    torch.save({'state_dict': _Evil(files['marker'])}, d / 'evil.pth')
    with open(pretrain_ckpt, 'rb') as f:
        (d / 'truncated.pth').write_bytes(f.read(4096))
    (d / 'text.pth').write_text('not a checkpoint')
    t = torch.zeros(2)
    torch.save(
        {'state_dict': {'backbone.conv1.weight': t, 'roi_head.fc.weight': t}},
        d / 'detector.pth',
    )
    files.update(
        {
            k: str(d / f'{k}.pth')
            for k in ('evil', 'truncated', 'text', 'detector')
        }
    )
    return files


def _broken_data(demo_data, tmp_path, empty_files):
    """A copy of the demo ImageNet folder with ``empty_files`` 0-byte
    training images."""
    root = str(tmp_path / 'imagenet')
    shutil.copytree(osp.join(demo_data, 'imagenet'), root)
    first = sorted(os.listdir(osp.join(root, 'train')))[0]
    folder = osp.join(root, 'train', first)
    for name in sorted(os.listdir(folder))[:empty_files]:
        open(osp.join(folder, name), 'w').close()
    return root + '/'


def _loader(root, workers=1):
    return [
        f'train_dataloader.dataset.data_root={root}',
        f'train_dataloader.num_workers={workers}',
        f'train_dataloader.persistent_workers={workers > 0}',
    ]


CASES = {
    'unknown FT key': (
        SELFSUP,
        [],
        ['model.ft.pos_alhpa=1'],
        "did you mean 'pos_alpha'?",
    ),
    'FT value out of range': (
        SELFSUP,
        [],
        ['model.ft.pos_alpha=-1'],
        'pos_alpha must be > 0',
    ),
    'FT granularity': (
        SELFSUP,
        [],
        ['model.ft.granularity=foo'],
        "granularity must be one of ('batch', 'sample', 'dim')",
    ),
    'unknown model key': (
        SELFSUP,
        [],
        ['model.quee_len=256'],
        "did you mean 'queue_len'?",
    ),
    'queue not a multiple of the batch': (
        SELFSUP,
        [],
        ['model.queue_len=250'],
        'model.queue_len=250 is not a multiple of the global batch 16',
    ),
    'missing config': (
        'configs/selfsup/demo/nope.py',
        [],
        [],
        'does not exist',
    ),
    'unsafe --pretrained': (
        LINEAR,
        ['--pretrained', 'evil'],
        [],
        'contains the global posix.system',
    ),
    'truncated --pretrained': (
        LINEAR,
        ['--pretrained', 'truncated'],
        [],
        'is not a PyTorch checkpoint',
    ),
    'text file as --pretrained': (
        LINEAR,
        ['--pretrained', 'text'],
        [],
        'is not a PyTorch checkpoint',
    ),
    'detector as --pretrained': (
        LINEAR,
        ['--pretrained', 'detector'],
        [],
        'is a detector checkpoint, but a backbone is expected',
    ),
    'unsafe --resume': (
        SELFSUP,
        ['--resume', 'evil'],
        [],
        'contains the global posix.system',
    ),
}


@pytest.mark.parametrize('case', list(CASES))
def test_one_line_and_exit_code_2(case, demo_data, bad_files, tmp_path):
    config, args, options, message = CASES[case]
    args = [bad_files.get(a, a) for a in args]
    opts = (
        train_opts(demo_data)[1:]
        + [f'val_dataloader.dataset.data_root={demo_data}/imagenet/']
        * (config == LINEAR)
        + options
    )
    r = python_cli(
        'tools/train.py',
        config,
        '--work-dir',
        str(tmp_path / 'w'),
        *args,
        '--cfg-options',
        *opts,
    )
    _assert_one_line(r, message)
    assert not osp.exists(bad_files['marker'])  # nothing was unpickled


def _assert_one_line(r, message):
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert r.returncode == 2, r.stderr[-3000:]
    assert 'Traceback' not in r.stderr, r.stderr[-3000:]
    assert len(lines) == 1 and lines[0].startswith('train.py: error: '), lines
    assert message in lines[0], lines[0]


def test_unreadable_training_image_in_a_worker(demo_data, tmp_path):
    root = _broken_data(demo_data, tmp_path, empty_files=8)
    args = ['tools/train.py', SELFSUP, '--work-dir', str(tmp_path / 'w')]
    r = python_cli(*args, *train_opts(demo_data), *_loader(root))
    _assert_one_line(r, 'cannot read training image')
    assert 'check_data.py' in r.stderr and 'skip_unreadable_images' in (
        r.stderr
    )
    # --debug shows the whole story instead.
    r = python_cli(*args, '--debug', *train_opts(demo_data), *_loader(root))
    assert r.returncode != 0 and 'Traceback' in r.stderr


def test_skip_unreadable_images_counts_them(demo_data, tmp_path):
    root = _broken_data(demo_data, tmp_path, empty_files=1)
    work = str(tmp_path / 'w')
    r = python_cli(
        'tools/train.py',
        SELFSUP,
        '--work-dir',
        work,
        *train_opts(demo_data),
        *_loader(root, workers=2),
        'skip_unreadable_images=True',
    )
    assert r.returncode == 0, r.stderr[-3000:]
    with open(osp.join(work, 'skipped_images.txt')) as f:
        assert len(f.read().splitlines()) == 1  # 1 epoch, 1 bad image
    assert 'skipped 1 unreadable training images' in r.stdout + r.stderr
