"""Shared fixtures: a tiny generated dataset and a CLI runner."""

import os
import os.path as osp
import subprocess
import sys
from typing import List

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))

# Sizes small enough for a 2-core CPU: 4 classes x 8 train images make one
# 2-iteration epoch at batch 16.
TINY = dict(
    cls_classes=4,
    cls_train_per_class=8,
    cls_val_per_class=2,
    cls_heldout_per_class=2,
    suite_per_class=12,
    cls_size=64,
    det_train=4,
    det_val=2,
    det_size=128,
    tdet_train=6,
    tdet_val=3,
    tdet_size=96,
    seed=0,
)


@pytest.fixture(scope='session')
def demo_data(tmp_path_factory) -> str:
    """Path of a tiny demo dataset generated once per test session."""
    from ftcl_mm.datasets.demo_data import DemoDataSpec, generate_demo_data

    out = str(tmp_path_factory.mktemp('data') / 'demo')
    generate_demo_data(out, DemoDataSpec(**TINY))
    return out


def pytest_configure(config) -> None:
    """Deliberate threads for the test process (all cores: the suite runs
    one test at a time, and a test waiting on a subprocess is idle)."""
    from ftcl_mm.utils.threads import configure_threads

    configure_threads()


#: Fixtures that train or run tools: a test using one is in the slow tier.
SLOW_FIXTURES = {
    'demo_data',
    'pretrain_ckpt',
    'r50_train_ckpt',
    'r18_backbone',
    'tiny_backbone',
}


def pytest_collection_modifyitems(config, items) -> None:
    """Mark the slow tier: tests of the command-line tools and tests that
    use a training fixture (others carry ``@pytest.mark.slow``)."""
    for item in items:
        fixtures = set(getattr(item, 'fixturenames', ()))
        if 'test_tools' in item.path.parts or fixtures & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)


def run_cli(
    args: List[str], timeout: int = 600, env: dict = None
) -> subprocess.CompletedProcess:
    """Run a command from the repo root, capturing output as text; the
    child gets the same thread count as this process ($FTCL_THREADS)."""
    from ftcl_mm.utils.threads import default_threads

    full_env = dict(
        os.environ,
        PYTHONWARNINGS='ignore',
        FTCL_THREADS=str(default_threads()),
    )
    full_env.update(env or {})
    return subprocess.run(
        args,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
    )


def python_cli(script: str, *args: str, **kw) -> subprocess.CompletedProcess:
    return run_cli([sys.executable, osp.join(ROOT, script), *args], **kw)


def tool_in_process(
    script: str, *args: str, env: dict = None
) -> subprocess.CompletedProcess:
    """Run a Python tool as ``python script args`` would, but in this
    process (``runpy``, ``__main__``), for tests of argument handling: no
    interpreter start and stack import per call (~4 s each on 2 cores).
    End-to-end runs, the stack guard included, stay subprocesses
    (:func:`python_cli`).

    Returns:
        A CompletedProcess with the exit code, stdout and stderr.
    """
    import contextlib
    import io
    import runpy
    from unittest import mock

    out, err = io.StringIO(), io.StringIO()
    code = 0
    argv = [osp.join(ROOT, script), *args]
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(sys, 'argv', argv))
        # As the interpreter does: the script's folder first on sys.path
        # (where its stack guard, ``_stack``, is found).
        path = [osp.dirname(argv[0]), *sys.path]
        stack.enter_context(mock.patch.object(sys, 'path', path))
        stack.enter_context(mock.patch.dict(os.environ, env or {}))
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        cwd = os.getcwd()
        os.chdir(ROOT)
        stack.callback(os.chdir, cwd)
        try:
            runpy.run_path(argv[0], run_name='__main__')
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
            if e.code is None:
                code = 0
    return subprocess.CompletedProcess(
        argv, code, out.getvalue(), err.getvalue()
    )


def train_opts(demo_data: str, epochs: int = 1) -> list:
    # One epoch of the tiny data is 2 iterations at batch 16.
    return [
        '--cfg-options',
        f'train_dataloader.dataset.data_root={demo_data}/imagenet/',
        f'train_cfg.max_epochs={epochs}',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'default_hooks.checkpoint.interval=1',
        'default_hooks.logger.interval=1',
    ]


def scalars(work_dir: str) -> list:
    """LoggerHook rows (those with ``iter``) of mmengine's scalars.json
    logs in ``work_dir``, in order."""
    from ftcl_mm.formats.run_results import logged_rows

    return [r for r in logged_rows(work_dir) if 'iter' in r]


@pytest.fixture(scope='session')
def pretrain_ckpt(demo_data, tmp_path_factory) -> str:
    """A real 2-iteration MoCo v2 + FT demo training checkpoint (R18)."""
    work = str(tmp_path_factory.mktemp('pretrain'))
    r = python_cli(
        'tools/train.py',
        'configs/selfsup/demo/mocov2_ft_demo.py',
        '--work-dir',
        work,
        *train_opts(demo_data, epochs=1),
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return osp.join(work, 'epoch_1.pth')


@pytest.fixture(scope='session')
def r18_backbone(pretrain_ckpt, tmp_path_factory) -> str:
    """``pretrain_ckpt`` converted by tools/convert_ckpt.py (mmdet keys)."""
    dst = str(tmp_path_factory.mktemp('converted') / 'r18.pth')
    r = python_cli('tools/convert_ckpt.py', pretrain_ckpt, dst)
    assert r.returncode == 0, r.stderr
    return dst


@pytest.fixture
def mmpretrain_scope():
    """Build from mmpretrain's registries whatever scope an earlier test
    (e.g. an mmdet one) left as the default."""
    from mmengine.registry import DefaultScope

    with DefaultScope.overwrite_default_scope('mmpretrain'):
        yield
