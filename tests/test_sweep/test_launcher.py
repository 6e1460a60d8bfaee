"""ftcl_mm.sweep.launcher: resume, side by side, failures, tool calls."""

import json
import sys
import threading

import pytest

from ftcl_mm.sweep import (
    RunFailed,
    Sweep,
    SweepJob,
    ToolCalls,
    usable_parallelism,
)


def test_finished_jobs_are_loaded_not_run(tmp_path, capsys):
    done = tmp_path / 'a'
    done.mkdir()
    (done / 'result.json').write_text(json.dumps(dict(x=1)))
    calls = []

    def execute(name):
        calls.append(name)
        return dict(x=2)

    jobs = [
        SweepJob('a', str(done), lambda: execute('a')),
        SweepJob('b', str(tmp_path / 'b'), lambda: execute('b')),
    ]
    assert Sweep('t', describe=lambda r: f'x={r["x"]}').run(jobs) == []
    assert calls == ['b']
    assert [j.result for j in jobs] == [dict(x=1), dict(x=2)]
    assert json.loads((tmp_path / 'b' / 'result.json').read_text()) == {'x': 2}
    out = capsys.readouterr().out
    assert '2 jobs (1 done)' in out and '1/1 b: x=2' in out
    # run again: nothing left to do
    assert Sweep('t').run(jobs) == [] and calls == ['b']


def test_jobs_run_side_by_side_and_a_failure_does_not_stop_the_rest(
    tmp_path,
):
    barrier = threading.Barrier(2, timeout=10)

    def meet():  # returns only when both jobs run at once
        barrier.wait()
        return {}

    def fail():
        raise RunFailed('train.py failed (exit 1); see log')

    jobs = [
        SweepJob('a', str(tmp_path / 'a'), meet),
        SweepJob('b', str(tmp_path / 'b'), meet),
        SweepJob('c', str(tmp_path / 'c'), fail),
        SweepJob('d', str(tmp_path / 'd'), dict),
    ]
    failed = Sweep('t', jobs=2).run(jobs)
    assert failed == ['c: train.py failed (exit 1); see log']
    assert (tmp_path / 'd' / 'result.json').is_file()
    assert not (tmp_path / 'c' / 'result.json').exists()


def test_an_unexpected_error_fails_its_job_only(tmp_path):
    """A job raising anything (not only RunFailed) is one failure line;
    with two slots, the jobs queued behind it still run."""

    def broken():
        raise TypeError('Expected str, Requirement, or Distribution')

    jobs = [
        SweepJob('a', str(tmp_path / 'a'), broken),
        SweepJob('b', str(tmp_path / 'b'), dict),
        SweepJob('c', str(tmp_path / 'c'), dict),
        SweepJob('d', str(tmp_path / 'd'), dict),
    ]
    failed = Sweep('t', jobs=2).run(jobs)
    assert failed == [
        'a: TypeError: Expected str, Requirement, or Distribution'
    ]
    for name in 'bcd':
        assert (tmp_path / name / 'result.json').is_file()


def test_tool_calls_log_and_fail_with_the_log_named(tmp_path):
    calls = ToolCalls(str(tmp_path), dict(FTCL_THREADS='1'))
    log = str(tmp_path / 'logs' / 'job.log')
    ok = tmp_path / 'ok.py'
    ok.write_text('import os; print("threads", os.environ["FTCL_THREADS"])')
    calls.call(calls.tool('ok.py'), log)
    bad = tmp_path / 'bad.py'
    bad.write_text('raise SystemExit(3)')
    with pytest.raises(
        RunFailed, match=r'bad.py failed \(exit 3\); see .*job'
    ):
        calls.call(calls.tool('bad.py'), log)
    text = open(log).read()
    assert 'threads 1' in text and f'{sys.executable} ' in text
    cmd = calls.train('c.py', 'w', '--resume')
    assert cmd[1:] == [
        str(tmp_path / 'tools/train.py'),
        'c.py',
        '--work-dir',
        'w',
        '--resume',
    ]
    dist = ToolCalls(str(tmp_path), {}, gpus=8).train('c.py', 'w')
    assert dist[0] == 'bash' and dist[2:4] == ['c.py', '8']


def test_parallelism_can_be_forced():
    assert usable_parallelism(3, 2) == (3, 2)
    jobs, threads = usable_parallelism(None, None, gpus=2)
    assert jobs == 1 and threads >= 1
