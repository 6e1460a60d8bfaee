"""What produced a result, as data: the commit, the config the Runner got,
the machine and the software, so that a table can name its recipe and a
stale cell can be told from a current one."""

from __future__ import annotations

import glob
import hashlib
import os
import os.path as osp
import platform
import subprocess
import time
from typing import Dict, Optional


def git_commit(root: str) -> Optional[str]:
    """HEAD of the repository at ``root`` (with ``+dirty`` when tracked
    files differ from it), or None outside a git checkout.

    The run store (``docs/reports/runs``) does not count: a measurement
    appended there is a result, not a change to what produced the next
    one."""
    try:
        head = subprocess.run(
            ['git', '-C', root, 'rev-parse', 'HEAD'],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            [
                'git',
                '-C',
                root,
                'status',
                '--porcelain',
                '--untracked-files=no',
                '--',
                '.',
                ':(exclude)docs/reports/runs',
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ('+dirty' if dirty else '')


def dumped_config_hash(work_dir: str) -> Optional[str]:
    """sha256 (12 hex digits) of the config mmengine dumped into a
    training's work dir: the resolved config the Runner got, overrides
    included."""
    dumps = sorted(glob.glob(osp.join(work_dir, '*.py')))
    if not dumps:
        return None
    with open(dumps[0], 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()[:12]


def cpu_model() -> str:
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> Dict[str, object]:
    """Cores, CPU model, GPU (if any), Python and torch versions."""
    import torch

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return dict(
        cores=len(os.sched_getaffinity(0)),
        cpu=cpu_model(),
        gpu=gpu,
        python=platform.python_version(),
        torch=torch.__version__,
    )


def provenance(root: str, work_dir: Optional[str] = None) -> Dict[str, object]:
    """Everything above for one result, with the date."""
    return dict(
        commit=git_commit(root),
        config_hash=dumped_config_hash(work_dir) if work_dir else None,
        date=time.strftime('%Y-%m-%dT%H:%M:%S%z'),
        machine=machine(),
    )


#: Keys of a resolved config that name where and how one launch ran, not
#: what it trains: left out of the recipe hash.
RUN_KEYS = ('work_dir', 'launcher', 'resume', 'load_from')


#: Environment variable naming the generated data's root, which configs
#: read when they are parsed: where the data lives, not what is trained.
DATA_ROOT_ENV = 'FTCL_DEMO_DATA'


def _without_data_root(value, root: str):
    """``value`` with the data root replaced by ``$FTCL_DEMO_DATA``."""
    if isinstance(value, str):
        return value.replace(root, '$' + DATA_ROOT_ENV)
    if isinstance(value, dict):
        return {k: _without_data_root(v, root) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_without_data_root(v, root) for v in value)
    return value


def recipe_hash(cfg) -> str:
    """sha256 (12 hex digits) of what a config trains: its resolved text
    (``Config.pretty_text``, keys sorted) without :data:`RUN_KEYS` and
    with the data root (``$FTCL_DEMO_DATA`` as this process resolves it)
    written as the variable. Two launches of one cell share it on any
    machine and data location; any change of a config file, a ``_base_``
    it inherits or an override changes it, which is how a stored result
    is found stale.

    Args:
        cfg: An mmengine ``Config`` (the file with its overrides merged).
    """
    from mmengine.config import Config

    root = (os.environ.get(DATA_ROOT_ENV) or 'data/demo').rstrip('/')
    data = {
        k: _without_data_root(v, root)
        for k, v in cfg.to_dict().items()
        if k not in RUN_KEYS
    }
    text = Config(data).pretty_text
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def config_recipe_hash(config: str, options: Optional[Dict] = None) -> str:
    """:func:`recipe_hash` of a config file with ``--cfg-options``-style
    ``options`` (dotted keys) merged, as ``tools/train.py`` resolves it."""
    from .configs import load_config

    cfg = load_config(config)
    if options:
        cfg.merge_from_dict(options)
    return recipe_hash(cfg)


def eval_recipe_hash(config: str, settings: Dict[str, object]) -> str:
    """Hash (12 hex digits) of what evaluates a backbone: the evaluation
    config's :func:`config_recipe_hash` and the protocol's settings (kNN
    k, linear protocol), so a changed held-out split or probe makes stored
    accuracies stale like a changed pretraining does."""
    return eval_hash_of(config_recipe_hash(config), settings)


def eval_hash_of(config_hash: str, settings: Dict[str, object]) -> str:
    """:func:`eval_recipe_hash` from the evaluation config's recipe hash."""
    import json

    text = config_hash + json.dumps(settings, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def measurement(root: str, cfg) -> Dict[str, object]:
    """Provenance of a timing (the profile tools): :func:`provenance`, the
    recipe hash of the resolved ``cfg`` it measured, and the machine's
    1-minute load average when it started: timings taken while other
    processes ran mean only as ratios measured side by side."""
    return dict(
        provenance=provenance(root),
        recipe_hash=recipe_hash(cfg),
        load_avg_1min=round(os.getloadavg()[0], 2),
    )
