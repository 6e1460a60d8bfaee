"""Every mistake a user can make with tools/train.py ends in one line
``train.py: error: ...`` and exit code 2, without a traceback."""

import glob
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
    # A local file whose path contains '://' is still a local file.
    (d / 'x:').mkdir()
    shutil.copy(d / 'evil.pth', d / 'x:' / 'evil.pth')
    files['evil_url_like'] = f'{d}/x://evil.pth'
    files['training'] = pretrain_ckpt  # a whole MoCo training checkpoint
    # A work dir that holds a finished run.
    (d / 'done').mkdir()
    (d / 'done' / 'epoch_1.pth').write_bytes(b'x')
    (d / 'done' / 'last_checkpoint').write_text(str(d / 'done/epoch_1.pth'))
    files['done'] = str(d / 'done')
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
        'pos_alpha must be finite and > 0',
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
        'is truncated (a zip archive without its end',
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
    'misspelled top-level key': (
        SELFSUP,
        [],
        ['modle.queue_len=256'],
        "no top-level key 'modle' and nothing reads it; did you mean 'model'?",
    ),
    'misspelled loader key': (
        SELFSUP,
        [],
        ['train_dataloadr.batch_size=8'],
        "did you mean 'train_dataloader'?",
    ),
    'batch size 0': (
        SELFSUP,
        [],
        ['train_dataloader.batch_size=0'],
        'train_dataloader.batch_size must be an integer > 0, got 0',
    ),
    'lr not a number': (
        SELFSUP,
        [],
        ['optim_wrapper.optimizer.lr=abc'],
        "optim_wrapper.optimizer.lr must be a number >= 0, got 'abc'",
    ),
    'alpha not a number': (
        SELFSUP,
        [],
        ['model.ft.pos_alpha=abc'],
        'pos_alpha must be a number > 0 (a Beta distribution parameter), '
        "got 'abc'",
    ),
    'option without =': (
        SELFSUP,
        [],
        ['train_cfg.max_epochs'],
        "--cfg-options: 'train_cfg.max_epochs' is not KEY=VALUE",
    ),
    'work dir is a file': (
        SELFSUP,
        ['--work-dir', 'text'],
        [],
        'is a file; pass a directory with --work-dir DIR',
    ),
    'load_from missing': (
        SELFSUP,
        [],
        ['load_from=/no/such/ckpt.pth'],
        "load_from checkpoint '/no/such/ckpt.pth' does not exist",
    ),
    # Values that make the loss NaN from the first step.
    'lr inf': (
        SELFSUP,
        [],
        ['optim_wrapper.optimizer.lr=inf'],
        'optim_wrapper.optimizer.lr must be finite, got inf',
    ),
    'temperature 0': (
        SELFSUP,
        [],
        ['model.head.temperature=0'],
        'model.head.temperature must be a number > 0, got 0',
    ),
    'FT alpha inf': (
        SELFSUP,
        [],
        ['model.ft.pos_alpha=inf'],
        'pos_alpha must be finite and > 0, got inf',
    ),
    'negative seed': (
        SELFSUP,
        [],
        ['randomness.seed=-1'],
        'randomness.seed must be an integer >= 0, got -1',
    ),
    'nested loader typo': (
        SELFSUP,
        [],
        ['train_dataloader.batch_sise=8'],
        "has no argument 'batch_sise'; did you mean 'batch_size'?",
    ),
    'nested model typo': (
        SELFSUP,
        [],
        ['model.backbone.depht=18'],
        "ResNet has no argument 'depht'; did you mean 'depth'?",
    ),
    # Every checkpoint goes through the one safe check, whatever the flags.
    'training checkpoint as --pretrained': (
        LINEAR,
        ['--pretrained', 'training'],
        [],
        "is a training checkpoint (its backbone is under 'backbone.')",
    ),
    'unsafe --pretrained beside --resume': (
        LINEAR,
        ['--resume', 'training', '--pretrained', 'evil'],
        [],
        'contains the global posix.system',
    ),
    'unsafe --pretrained beside load_from': (
        LINEAR,
        ['--pretrained', 'evil'],
        ['load_from=training'],
        'contains the global posix.system',
    ),
    'unsafe local path with ://': (
        LINEAR,
        ['--pretrained', 'evil_url_like'],
        [],
        'contains the global posix.system',
    ),
    # A finished run is never overwritten.
    'work dir holds a run': (
        SELFSUP,
        ['--work-dir', 'done'],
        [],
        'already holds a run (epoch_1.pth, last_checkpoint); continue it '
        'with --resume, start another beside it with --new-run',
    ),
    # A run that cannot produce a model stops before its first checkpoint.
    'loss diverges': (
        SELFSUP,
        [],
        ['model.head.temperature=1e-40'],
        'training diverged: the loss is nan at iteration 1 (epoch 1); '
        'stopped before writing a checkpoint of it. Usual causes: a learning '
        'rate too high, a temperature near 0, an extreme FT alpha (this run: '
        'learning rate optim_wrapper.optimizer.lr=0.06, temperature '
        'model.head.temperature=1e-40',
    ),
    'zero iterations': (
        SELFSUP,
        [],
        ['train_dataloader.batch_size=64'],
        'the training loader yields no batch: 32 images, batch_size 64 per '
        'process with drop_last; lower train_dataloader.batch_size',
    ),
    '--new-run with --resume': (
        SELFSUP,
        ['--new-run', '--resume'],
        [],
        '--new-run starts afresh and --resume continues a run; pass one',
    ),
}


@pytest.mark.parametrize('case', list(CASES))
def test_one_line_and_exit_code_2(case, demo_data, bad_files, tmp_path):
    config, args, options, message = CASES[case]
    args = [bad_files.get(a, a) for a in args]
    options = [  # KEY=<bad file name> -> KEY=<its path>
        f'{o.split("=", 1)[0]}={bad_files.get(o.split("=", 1)[1], "")}'
        if '=' in o and o.split('=', 1)[1] in bad_files
        else o
        for o in options
    ]
    opts = (
        train_opts(demo_data)[1:]
        + [f'val_dataloader.dataset.data_root={demo_data}/imagenet/']
        * (config == LINEAR)
        + options
    )
    work = [] if '--work-dir' in args else ['--work-dir', str(tmp_path / 'w')]
    r = python_cli(
        'tools/train.py', config, *work, *args, '--cfg-options', *opts
    )
    _assert_one_line(r, message)
    assert not osp.exists(bad_files['marker'])  # nothing was unpickled
    if not work:
        return
    # Refused runs write no checkpoint (and leave the work dir's content
    # as it was: here, none).
    assert not glob.glob(osp.join(work[1], '*.pth'))


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
        lines = f.read().splitlines()
    assert len(lines) == 1 and lines[0].startswith('0\t')  # 1 bad image
    assert 'skipped 1 unreadable training images' in r.stdout + r.stderr


def test_truncated_jpeg_stops_training_or_is_skipped(demo_data, tmp_path):
    # cv2 would decode it partially and train on it; check_data lists it.
    root = str(tmp_path / 'imagenet')
    shutil.copytree(osp.join(demo_data, 'imagenet'), root)
    folder = osp.join(root, 'train', sorted(os.listdir(root + '/train'))[0])
    bad = osp.join(folder, sorted(os.listdir(folder))[0])
    with open(bad, 'r+b') as f:
        f.truncate(osp.getsize(bad) // 2)
    args = ['tools/train.py', SELFSUP, *train_opts(demo_data)]
    r = python_cli(
        *args,
        *_loader(root + '/', workers=0),
        '--work-dir',
        str(tmp_path / 'a'),
    )
    _assert_one_line(r, f'cannot read training image {bad}')
    work = str(tmp_path / 'b')
    r = python_cli(
        *args,
        *_loader(root + '/', workers=0),
        'skip_unreadable_images=True',
        '--work-dir',
        work,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    with open(osp.join(work, 'skipped_images.txt')) as f:
        assert f.read() == f'0\t{bad}\n'
    r = python_cli(
        'tools/check_data.py',
        SELFSUP,
        '--splits',
        'train',
        '--fatal-only',
        '--jobs',
        '1',
        '--cfg-options',
        f'train_dataloader.dataset.data_root={root}/',
    )
    assert r.returncode == 1 and f'unreadable\t{bad}' in r.stdout, r.stdout


def test_bare_resume_with_a_damaged_latest(pretrain_ckpt, demo_data, tmp_path):
    work = tmp_path / 'w'
    work.mkdir()
    good, bad = work / 'epoch_1.pth', work / 'epoch_2.pth'
    shutil.copy(pretrain_ckpt, good)
    with open(pretrain_ckpt, 'rb') as f:
        bad.write_bytes(f.read()[: osp.getsize(pretrain_ckpt) // 3])
    (work / 'last_checkpoint').write_text(str(bad))
    r = python_cli(
        'tools/train.py',
        SELFSUP,
        '--work-dir',
        str(work),
        '--resume',
        *train_opts(demo_data),
    )
    _assert_one_line(
        r, f'the latest checkpoint {bad} is damaged: it is truncated'
    )
    assert f'the last good one is {good}' in r.stderr
    # Nothing to resume: one warning line, then a fresh start.
    empty = tmp_path / 'empty'
    r = python_cli(
        'tools/train.py',
        SELFSUP,
        '--work-dir',
        str(empty),
        '--resume',
        *train_opts(demo_data),
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert f'--resume: no checkpoint in {empty} to resume from' in (
        r.stdout + r.stderr
    )
    assert (empty / 'epoch_1.pth').is_file()
