"""What the step profiles share (:mod:`.ssl_profile`, :mod:`.det_profile`):
the time of each pipeline transform, and a short ``tools/train.py`` run
read back from mmengine's logged rows."""

from __future__ import annotations

import copy
import os.path as osp
import subprocess
import sys
import time
from collections import defaultdict
from typing import Dict, List, Mapping, Sequence, Tuple

from ..formats.run_results import logged_rows
from ..utils.errors import UserInputError

#: Transforms that run a list of view pipelines on copies of one image.
MULTI_VIEW = ('MultiView', 'MultiViewWithParams', 'LooCMultiView')


def transform_name(transform) -> str:
    """A transform's class name; ``RandomApply(A+B)`` for a RandomApply."""
    inner = getattr(transform, 'transforms', None)
    if type(transform).__name__ == 'RandomApply' and inner is not None:
        parts = getattr(inner, 'transforms', inner)
        return 'RandomApply(' + '+'.join(type(t).__name__ for t in parts) + ')'
    return type(transform).__name__


def time_transforms(dataset, samples: int) -> Tuple[Dict[str, float], float]:
    """Mean ms per image of each transform of ``dataset``'s pipeline, on
    its first ``samples`` images; a multi-view transform is broken into
    ``view copy`` and ``view: <transform>`` (summed over its views).

    Returns:
        ``({part: ms per image}, views per image)``.
    """
    totals: Dict[str, float] = defaultdict(float)
    views = 0
    n = min(samples, len(dataset))
    for i in range(n):
        results = dataset.get_data_info(i)
        for transform in dataset.pipeline.transforms:
            if type(transform).__name__ in MULTI_VIEW:
                outputs = []
                for view in transform.transforms:
                    t0 = time.perf_counter()
                    r = copy.deepcopy(results)
                    totals['view copy'] += time.perf_counter() - t0
                    for t in getattr(view, 'transforms', [view]):
                        t0 = time.perf_counter()
                        r = t(r)
                        name = f'view: {transform_name(t)}'
                        totals[name] += time.perf_counter() - t0
                    outputs.append(r['img'])
                    views += 1
                results['img'] = outputs
                continue
            t0 = time.perf_counter()
            results = transform(results)
            totals[transform_name(transform)] += time.perf_counter() - t0
    return {k: 1000 * v / n for k, v in totals.items()}, views / n


def short_train_run(
    root: str,
    config: str,
    work_dir: str,
    cfg_options: Mapping[str, object],
    extra: Sequence[str] = (),
    pretrained: str = '',
) -> Tuple[List[dict], float]:
    """Run ``tools/train.py`` on ``config`` with the user's ``cfg_options``
    and then ``extra`` (``key=value``) as a user would, in a subprocess.

    Returns:
        ``(rows mmengine logged, wall seconds)``.

    Raises:
        UserInputError: The run failed (its last stderr line).
    """
    cmd = [sys.executable, osp.join(root, 'tools/train.py'), config]
    cmd += ['--work-dir', work_dir]
    if pretrained:
        cmd += ['--pretrained', pretrained]
    cmd += ['--cfg-options', *[f'{k}={v}' for k, v in cfg_options.items()]]
    cmd += list(extra)
    t0 = time.time()
    r = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    wall = time.time() - t0
    if r.returncode != 0:
        raise UserInputError(
            'the tools/train.py run failed: '
            + (r.stderr.strip().splitlines() or ['?'])[-1]
        )
    return logged_rows(work_dir), wall


def after_warmup(rows: List[dict]) -> List[dict]:
    """Logged intervals without the first (worker start, allocator
    warm-up), unless it is the only one."""
    return rows[min(1, len(rows) - 1) :]
