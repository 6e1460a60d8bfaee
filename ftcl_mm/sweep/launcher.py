"""Run many jobs of the project's tools: resumable, side by side, with
deliberate threads and progress lines.

A *job* is one unit of a sweep (a pretraining run and its evaluations, a
detector seed, a momentum value). It is done when ``WORK_DIR/result.json``
exists, so running the same sweep again skips finished jobs, and the tools
it calls (``tools/train.py --resume``) continue interrupted ones. Jobs run
in a thread pool, each as subprocesses with ``FTCL_THREADS`` set, so that
``jobs x threads`` matches the cores instead of oversubscribing them.
"""

from __future__ import annotations

import json
import os
import os.path as osp
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ..utils.fileio import write_json


class RunFailed(Exception):
    """A step of a job exited non-zero; the message names its log."""


@dataclass
class SweepJob:
    """One job: ``execute()`` does (or resumes) the work and returns its
    result, which the launcher writes to ``work_dir/result.json``.

    Args:
        name: Shown in progress lines and failures.
        work_dir: The job's directory (its ``result.json`` marks it done).
        execute: The work; raises :class:`RunFailed` on a failed step.
        timed: Whether its time predicts the others' (ETA); False for a
            quick job such as a random-init evaluation.
    """

    name: str
    work_dir: str
    execute: Callable[[], Dict]
    timed: bool = True
    result: Dict = field(default_factory=dict)

    @property
    def result_file(self) -> str:
        return osp.join(self.work_dir, 'result.json')

    def load(self) -> bool:
        """Read a finished job's result; False if it is not finished."""
        if not osp.isfile(self.result_file):
            return False
        with open(self.result_file) as f:
            self.result = json.load(f)
        return True


def fmt_duration(seconds: float) -> str:
    """``4m05s`` or ``1h02m``."""
    seconds = int(seconds)
    if seconds >= 3600:
        return f'{seconds // 3600}h{seconds % 3600 // 60:02d}m'
    return f'{seconds // 60}m{seconds % 60:02d}s'


def usable_parallelism(
    jobs: Optional[int],
    threads: Optional[int],
    gpus: int = 1,
    threads_per_run: Optional[int] = None,
) -> Tuple[int, int]:
    """``(jobs side by side, intra-op threads per job)`` for this machine.

    On CPU, ``cores // threads_per_run`` jobs (``threads_per_run`` None:
    one job with every core); one job with several processes per run or
    on a GPU machine. Either number can be forced.
    """
    from ..utils.threads import usable_cores

    cores = usable_cores()
    gpu = False
    try:
        import torch

        gpu = torch.cuda.is_available()
    except ImportError:
        pass
    if jobs:
        n = jobs
    elif gpus > 1 or gpu or not threads_per_run:
        n = 1
    else:
        n = max(1, cores // (threads or threads_per_run))
    return n, threads or max(1, cores // (n * gpus))


class ToolCalls:
    """Builds and runs the project's tools as subprocesses.

    Args:
        root: The repository root (where ``tools/`` is).
        env: Environment of every call (``FTCL_THREADS`` set by the
            caller).
        gpus: Processes per training run; more than one uses
            ``tools/dist_train.sh``.
    """

    def __init__(self, root: str, env: Dict[str, str], gpus: int = 1):
        self.root = root
        self.env = dict(env, FTCL_PYTHON=sys.executable)
        self.gpus = gpus

    def tool(self, path: str, *args: str) -> List[str]:
        """``python tools/...`` with the running interpreter."""
        return [sys.executable, osp.join(self.root, path), *args]

    def train(self, config: str, work_dir: str, *extra: str) -> List[str]:
        """``tools/train.py`` (or ``dist_train.sh`` with several GPUs)."""
        if self.gpus > 1:
            return [
                'bash',
                osp.join(self.root, 'tools/dist_train.sh'),
                config,
                str(self.gpus),
                '--work-dir',
                work_dir,
                *extra,
            ]
        return self.tool(
            'tools/train.py', config, '--work-dir', work_dir, *extra
        )

    def call(self, cmd: Sequence[str], log: str) -> None:
        """Run ``cmd`` with its output appended to ``log``."""
        os.makedirs(osp.dirname(log) or '.', exist_ok=True)
        with open(log, 'a') as f:
            f.write(f'$ {" ".join(cmd)}\n')
            f.flush()
            rc = subprocess.call(
                list(cmd),
                cwd=self.root,
                env=self.env,
                stdout=f,
                stderr=subprocess.STDOUT,
            )
        if rc != 0:
            tool = next((c for c in cmd if c.endswith(('.py', '.sh'))), cmd[0])
            raise RunFailed(
                f'{osp.basename(tool)} failed (exit {rc}); see {log}'
            )


class Sweep:
    """Runs jobs side by side, skipping finished ones, with progress.

    Args:
        tag: Prefix of the progress lines (``[tag] ...``).
        jobs: Jobs side by side.
        describe: One-line summary of a job's result for its progress line.
    """

    def __init__(
        self,
        tag: str,
        jobs: int = 1,
        describe: Callable[[Dict], str] = lambda result: '',
    ) -> None:
        self.tag = tag
        self.jobs = jobs
        self.describe = describe
        self.failed: List[str] = []

    def _print(self, msg: str, **kwargs) -> None:
        print(f'[{self.tag}] {msg}', flush=True, **kwargs)

    def run(self, jobs: Sequence[SweepJob], threads: int = 1) -> List[str]:
        """Load finished jobs, run the others; returns the failures
        (``name: message``). KeyboardInterrupt propagates after a line
        saying how to continue."""
        todo = [j for j in jobs if not j.load()]
        self._print(
            f'{len(jobs)} jobs ({len(jobs) - len(todo)} done), {self.jobs} '
            f'side by side with {threads} thread(s) each'
        )
        lock = threading.Lock()
        times: List[float] = []
        done = [0]
        start = time.time()

        def work(job: SweepJob) -> None:
            t0 = time.time()
            try:
                result = job.execute()
            except Exception as e:  # noqa: BLE001
                # Any error ends this job only: the others keep their
                # slots (an exception escaping pool.map would leave the
                # sweep waiting with one worker and lose the message).
                why = (
                    str(e)
                    if isinstance(e, RunFailed)
                    else (f'{type(e).__name__}: {e}')
                )
                with lock:
                    self.failed.append(f'{job.name}: {why}')
                    self._print(f'FAILED {job.name}: {why}')
                return
            os.makedirs(job.work_dir, exist_ok=True)
            write_json(job.result_file, result)
            job.result = result
            with lock:
                done[0] += 1
                if job.timed:
                    times.append(time.time() - t0)
                left = len(todo) - done[0] - len(self.failed)
                eta = ''
                if times and left > 0:
                    per_job = statistics.fmean(times)
                    eta = ' ETA ' + fmt_duration(per_job * left / self.jobs)
                summary = self.describe(result)
                self._print(
                    f'{done[0]}/{len(todo)} {job.name}'
                    f'{": " + summary if summary else ""} '
                    f'({fmt_duration(time.time() - t0)}; elapsed '
                    f'{fmt_duration(time.time() - start)}{eta})'
                )

        try:
            with ThreadPoolExecutor(max_workers=self.jobs) as pool:
                list(pool.map(work, todo))
        except KeyboardInterrupt:
            self._print(
                'interrupted; run the same command to continue',
                file=sys.stderr,
            )
            raise
        return self.failed
