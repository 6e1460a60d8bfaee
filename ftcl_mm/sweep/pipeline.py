"""The one pretrain -> convert -> probe pipeline of the studies.

Every study that needs a pretrained backbone and its frozen evaluation
(``ft_study``, the FT ablations and fair test through it, the tiny
detection table) runs these steps through the project's own tools, each
step skipped when its output exists, so that a stopped study resumes:

1. ``tools/train.py CONFIG --resume --cfg-options ...`` into
   ``<work>/pretrain`` (an interrupted pretraining continues from its last
   checkpoint);
2. ``tools/convert_ckpt.py`` of its latest checkpoint to
   ``<work>/backbone.pth``;
3. ``tools/benchmarks/knn_eval.py`` (kNN k = 20 and, optionally, the
   cached linear probe) into ``<work>/knn.json``.
"""

from __future__ import annotations

import os.path as osp
from typing import List, Optional, Sequence

from ..utils.fileio import read_json
from .launcher import ToolCalls


def epochs_options(epochs: int) -> List[str]:
    """``--cfg-options`` that cut a config's schedule to ``epochs``: the
    length and the cosine schedule's end (every pretraining config here
    has one cosine ``param_scheduler``)."""
    return [
        f'train_cfg.max_epochs={epochs}',
        f'param_scheduler.0.T_max={epochs}',
        f'param_scheduler.0.end={epochs}',
    ]


class BackbonePipeline:
    """Pretrain, convert and probe backbones with ``calls``.

    Args:
        calls: Builds and runs the tools (threads and GPUs set there).
    """

    def __init__(self, calls: ToolCalls) -> None:
        self.calls = calls

    def pretrain(
        self,
        config: str,
        work: str,
        options: Sequence[str],
        log: str,
        with_neck: bool = False,
    ) -> str:
        """Steps 1-2: the converted backbone of ``config`` trained with
        ``options`` under ``work``; returns ``<work>/backbone.pth``."""
        backbone = osp.join(work, 'backbone.pth')
        if osp.isfile(backbone):
            return backbone
        pre = osp.join(work, 'pretrain')
        self.calls.call(
            self.calls.train(
                config, pre, '--resume', '--cfg-options', *options
            ),
            log,
        )
        from mmengine.runner import find_latest_checkpoint

        self.calls.call(
            self.calls.tool(
                'tools/convert_ckpt.py',
                find_latest_checkpoint(pre),
                backbone,
                '--force',
                *(['--with-neck'] if with_neck else []),
            ),
            log,
        )
        return backbone

    def probe(
        self,
        eval_config: str,
        backbone: str,
        out: str,
        log: str,
        linear: bool = True,
        seed: Optional[int] = None,
    ) -> dict:
        """Step 3: kNN (k = 20) and, with ``linear``, the cached linear
        probe of ``backbone`` (a path or ``'none'``), kept in ``out``."""
        if osp.isfile(out):
            result = read_json(out)
            if not linear or 'linear_top1' in result:
                return result
        cmd = [
            eval_config,
            '--pretrained',
            backbone,
            '--k',
            '20',
            *(['--linear'] if linear else []),
            '--out',
            out,
        ]
        if seed is not None:
            cmd += ['--cfg-options', f'randomness.seed={seed}']
        self.calls.call(
            self.calls.tool('tools/benchmarks/knn_eval.py', *cmd), log
        )
        return read_json(out)
