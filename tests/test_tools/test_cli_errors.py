"""Every tool ends a user's mistake the same way: ``<tool>: error: ...``
on stderr, exit code 2, no traceback -- for a missing input, a bad option,
and a Python without the project's stack. The table must name every tool
in tools/, so a new tool cannot skip this contract."""

import glob
import os
import os.path as osp
import subprocess
import sys

import pytest

from ..conftest import ROOT, python_cli, run_cli, tool_in_process

DEMO = 'configs/selfsup/demo/mocov2_ft_demo.py'

#: tool -> (arguments with a missing input, expected message part).
MISSING_INPUT = {
    'tools/train.py': (['/no/such.py'], 'config file /no/such.py does not'),
    'tools/check_data.py': (['/no/such.py'], 'config file /no/such.py'),
    'tools/convert_ckpt.py': (
        ['/no/such.pth', '/tmp/ftcl_never_written.pth'],
        '/no/such.pth does not exist',
    ),
    'tools/make_demo_data.py': (
        ['--out', '{tmp}/d', '--cls-classes', '0'],
        'cls_classes must be a positive integer',
    ),
    'tools/studies/book.py': (['status', 'nope'], 'unknown study nope'),
    'tools/performance/ft_cost.py': (['/no/such.py'], 'config /no/such.py'),
    'tools/studies/ft_study.py': (
        ['--work-dir', '{tmp}/s', '--methods', 'nope', '--dry-run'],
        'no config for configs/selfsup/tiny/nope_tiny.py',
    ),
    'tools/studies/ft_ablations.py': (
        ['--work-dir', '/no/such/dir', '--report-only'],
        '--work-dir /no/such/dir does not exist; run the tables first',
    ),
    'tools/studies/ft_fair_test.py': (
        ['--work-dir', '/no/such/dir', '--report-only'],
        '--work-dir /no/such/dir does not exist; run the protocol first',
    ),
    'tools/studies/momentum_study.py': (
        ['--data-root', '/no/such/dir', '--work-dir', '{tmp}/m'],
        '--data-root /no/such/dir does not exist',
    ),
    'tools/analysis/plot_scores.py': (['/no/such/run'], 'has no score_stats'),
    'tools/performance/profile_det.py': (
        ['/no/such.py'],
        'config /no/such.py does not exist',
    ),
    'tools/performance/profile_tiny.py': (
        ['/no/such.py'],
        'config /no/such.py',
    ),
    'tools/benchmarks/knn_eval.py': (
        ['/no/such.py', '--pretrained', 'none'],
        'config file /no/such.py does not exist',
    ),
    'tools/benchmarks/downstream_suite.py': (
        ['--pretrained', 'none', '--data-root', '/no/such/dir'],
        '/no/such/dir has no coarse task; generate the data',
    ),
    'tools/benchmarks/run_seeds.py': (
        ['/no/such.py', '--pretrained', 'none', '--work-dir', '{tmp}/r'],
        'config file /no/such.py does not exist',
    ),
    'tools/studies/tiny_det_table.py': (
        ['--work-dir', '{tmp}/t', '--data-root', '/no/such/dir'],
        '--data-root /no/such/dir has no tiny_det/',
    ),
    'tools/benchmarks/summarize.py': (
        ['a=/no/such/run', '--out', '{tmp}/sum'],
        '/no/such/run does not exist',
    ),
}

#: Shell tools: (arguments, environment, expected message part).
SHELL = {
    'tools/demo.sh': (['--bogus'], {}, "unknown argument '--bogus'"),
    'tools/dist_train.sh': (['/no/such.py', '2'], {}, 'config /no/such.py'),
    'tools/slurm_train.sh': (['p', 'job', '/no/such.py'], {}, 'config /no'),
}

#: Developer scripts, not user tools: they take pytest/ruff arguments or
#: none and are exercised by CI itself.
NOT_USER_TOOLS = {
    'tools/setup_env.sh',
    'tools/run_tests.sh',
    'tools/lint.sh',
    'tools/performance/threads_benchmark.sh',
}


def _one_error_line(r, prog, message=''):
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert 'Traceback' not in r.stderr, r.stderr[-2000:]
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith(f'{prog}: error: '), r.stderr[-2000:]
    assert message in last, last


def test_the_table_names_every_tool():
    tools = {
        osp.relpath(p, ROOT)
        for pattern in ('tools/*', 'tools/*/*')
        for p in glob.glob(osp.join(ROOT, pattern))
        if p.endswith(('.py', '.sh')) and not osp.basename(p) == '_stack.py'
    }
    assert tools == set(MISSING_INPUT) | set(SHELL) | NOT_USER_TOOLS


def test_one_stack_guard_for_every_tools_folder():
    # Python puts only a script's own folder on sys.path, so each folder
    # with a Python tool links the one guard instead of copying it.
    guard = osp.join(ROOT, 'tools', '_stack.py')
    for tool in MISSING_INPUT:
        folder = osp.dirname(osp.join(ROOT, tool))
        here = osp.join(folder, '_stack.py')
        assert osp.samefile(here, guard), tool
        if here != guard:
            assert osp.islink(here), f'{here} must link ../_stack.py'
        with open(osp.join(ROOT, tool)) as f:
            assert '\nimport _stack' in f.read(), f'{tool} skips the guard'


@pytest.mark.parametrize('tool', sorted(MISSING_INPUT))
def test_missing_input(tool, tmp_path):
    args, message = MISSING_INPUT[tool]
    r = python_cli(tool, *[a.replace('{tmp}', str(tmp_path)) for a in args])
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    _one_error_line(r, osp.basename(tool), message)
    assert len(lines) == 1, lines


@pytest.mark.parametrize('tool', sorted(MISSING_INPUT))
def test_bad_option(tool, tmp_path):
    # In-process: argument handling only (test_missing_input runs each
    # tool end to end in its own interpreter).
    args = [a.replace('{tmp}', str(tmp_path)) for a in MISSING_INPUT[tool][0]]
    r = tool_in_process(tool, *args, '--no-such-option')
    _one_error_line(r, osp.basename(tool), 'unrecognized arguments')
    r = tool_in_process(tool, '--help')
    assert r.returncode == 0 and 'usage: ' in r.stdout


@pytest.mark.parametrize('tool', sorted(MISSING_INPUT))
def test_python_without_the_stack(tool):
    # -S: no site-packages, as a system Python without the stack.
    r = run_cli([sys.executable, '-S', osp.join(ROOT, tool), '--help'])
    _one_error_line(r, osp.basename(tool), 'No module named')
    assert '.venv/bin/python' in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize('tool', sorted(SHELL))
def test_shell_tools(tool):
    args, env, message = SHELL[tool]
    r = run_cli(['bash', tool, *args], env=env, timeout=60)
    _one_error_line(r, osp.basename(tool), message)
    assert run_cli(['bash', tool, '--help'], timeout=60).returncode == 0


@pytest.mark.parametrize(
    'tool', ['tools/dist_train.sh', 'tools/slurm_train.sh']
)
def test_launcher_usage_is_an_error(tool):
    r = run_cli(['bash', tool], timeout=60)
    _one_error_line(r, osp.basename(tool), 'expected ')
    assert r.stderr.startswith('usage: ')


def test_dist_train_uses_the_project_venv():
    # No python with the stack on PATH: only .venv/bin/python can show
    # train.py's help through torchrun.
    env = {k: v for k, v in os.environ.items() if k != 'FTCL_PYTHON'}
    env['PATH'] = '/usr/bin:/bin'
    r = subprocess.run(
        ['bash', 'tools/dist_train.sh', DEMO, '1', '--help'],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert 'usage: train.py' in r.stdout


KNN = 'configs/benchmarks/classification/tiny/resnet18w16_linear_tiny.py'

#: (tool, arguments, environment, expected message part): values that
#: used to give a wrong result with exit 0, a traceback, or lost data.
BAD_VALUES = {
    'knn k 0': (
        'tools/benchmarks/knn_eval.py',
        [KNN, '--pretrained', 'none', '--k', '0'],
        {},
        '--k must be >= 1 (neighbours), got 0',
    ),
    'knn k negative': (
        'tools/benchmarks/knn_eval.py',
        [KNN, '--pretrained', 'none', '--k', '20', '-5'],
        {},
        '--k must be >= 1 (neighbours), got -5',
    ),
    'knn temperature 0': (
        'tools/benchmarks/knn_eval.py',
        [KNN, '--pretrained', 'none', '--temperature', '0'],
        {},
        '--temperature must be a finite number > 0',
    ),
    'knn batch 0': (
        'tools/benchmarks/knn_eval.py',
        [KNN, '--pretrained', 'none', '--batch-size', '0'],
        {},
        '--batch-size must be >= 1, got 0',
    ),
    'knn out is a directory': (
        'tools/benchmarks/knn_eval.py',
        [KNN, '--pretrained', 'none', '--out', '{tmp}'],
        {},
        'is a directory; pass a file name',
    ),
    'knn cuda without a GPU': (
        'tools/benchmarks/knn_eval.py',
        [KNN, '--pretrained', 'none', '--device', 'cuda'],
        {'CUDA_VISIBLE_DEVICES': ''},
        'this machine has no CUDA GPU',
    ),
    'knn threads not a number': (
        'tools/benchmarks/knn_eval.py',
        [KNN, '--pretrained', 'none'],
        {'FTCL_THREADS': 'abc'},
        'FTCL_THREADS',
    ),
    'knn option typo': (
        'tools/benchmarks/knn_eval.py',
        [KNN, '--pretrained', 'none', '--cfg-options', 'randomnes.seed=3'],
        {},
        "did you mean 'randomness'?",
    ),
    'convert onto its own source': (
        'tools/convert_ckpt.py',
        ['{tmp}/src.pth', '{tmp}/src.pth', '--force'],
        {},
        'source and output are the same file',
    ),
    'demo data --force over a user folder': (
        'tools/make_demo_data.py',
        ['--out', '{tmp}/mine', '--force'],
        {},
        'holds files that were not generated here',
    ),
}


@pytest.mark.parametrize('case', sorted(BAD_VALUES))
def test_bad_values(case, tmp_path):
    tool, args, env, message = BAD_VALUES[case]
    import torch

    torch.save(
        {'state_dict': {'conv1.weight': torch.zeros(1)}}, tmp_path / 'src.pth'
    )
    (tmp_path / 'mine').mkdir()
    (tmp_path / 'mine' / 'notes.txt').write_text('keep')
    before = (tmp_path / 'src.pth').read_bytes()
    # In-process, except where the environment must reach torch before it
    # starts (CUDA_VISIBLE_DEVICES hides a GPU only from a new process).
    run = python_cli if 'CUDA_VISIBLE_DEVICES' in env else tool_in_process
    r = run(tool, *[a.replace('{tmp}', str(tmp_path)) for a in args], env=env)
    _one_error_line(r, osp.basename(tool), message)
    # Nothing of the user's was touched.
    assert (tmp_path / 'src.pth').read_bytes() == before
    assert (tmp_path / 'mine' / 'notes.txt').read_text() == 'keep'


def test_demo_never_deletes_what_it_did_not_write(tmp_path):
    """Folders named like the demo's outputs, without its manifest, are
    the user's: refused with and without --force, nothing deleted."""
    work = tmp_path / 'U'
    (work / 'pretrain').mkdir(parents=True)
    (work / 'pretrain' / 'epoch_200.pth').write_bytes(b'weights')
    (work / 'plots').mkdir()
    (work / 'plots' / 'fig1.png').write_bytes(b'png')
    for extra in ([], ['--force']):
        r = run_cli(
            ['bash', 'tools/demo.sh', *extra], env={'DEMO_WORK_DIR': str(work)}
        )
        _one_error_line(r, 'demo.sh', 'plots,pretrain, which the demo did not')
    assert (work / 'pretrain' / 'epoch_200.pth').read_bytes() == b'weights'
    assert (work / 'plots' / 'fig1.png').read_bytes() == b'png'
    # Other files are kept beside the outputs only with --force.
    other = tmp_path / 'V'
    other.mkdir()
    (other / 'mine.txt').write_text('keep')
    r = run_cli(['bash', 'tools/demo.sh'], env={'DEMO_WORK_DIR': str(other)})
    _one_error_line(r, 'demo.sh', 'holds files the demo did not create')


def test_dist_train_without_the_stack_says_how_to_set_up():
    # A Python without torch: this one with -S (no site-packages).
    r = run_cli(
        [
            'bash',
            '-c',
            f'FTCL_PYTHON="$(mktemp -d)/py"; printf "#!/bin/sh\\nexec '
            f'{sys.executable} -S \\"\\$@\\"\\n" > "$FTCL_PYTHON"; '
            'chmod +x "$FTCL_PYTHON"; export FTCL_PYTHON; '
            f'bash tools/dist_train.sh {DEMO} 2',
        ]
    )
    _one_error_line(
        r, 'dist_train.sh', 'set it up with bash tools/setup_env.sh'
    )
