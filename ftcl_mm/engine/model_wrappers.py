"""Distributed training on machines without CUDA (gloo, one CPU process
per rank): mmengine's DDP wrappers without ``device_ids`` or SyncBN, and the
config/process-group set-up ``tools/train.py --launcher pytorch`` needs."""

from __future__ import annotations

import os

import torch
import torch.distributed as dist
from mmengine.config import Config, ConfigDict
from mmengine.model import (
    MMDistributedDataParallel,
    MMSeparateDistributedDataParallel,
    revert_sync_batchnorm,
)
from mmengine.registry import MODEL_WRAPPERS

from ..utils.errors import ConfigError


@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """MMDistributedDataParallel for CPU processes (gloo backend).

    ``SyncBatchNorm`` has no CPU kernel, so it is reverted to plain BN first
    (each rank normalises its own batch, which is what MoCo's ShuffleBN
    expects anyway).
    """

    def __init__(self, module: torch.nn.Module, **kwargs) -> None:
        # The Runner passes ``device_ids=[LOCAL_RANK]`` to every DDP
        # subclass; CPU modules must have none.
        kwargs['device_ids'] = None
        kwargs.setdefault('broadcast_buffers', False)
        super().__init__(module=revert_sync_batchnorm(module), **kwargs)


@MODEL_WRAPPERS.register_module()
class CPUSeparateDistributedDataParallel(MMSeparateDistributedDataParallel):
    """MMSeparateDistributedDataParallel (one DDP per child module, for
    models with their own ``train_step`` such as Hard Sample Generation)
    for CPU processes: SyncBN reverted, no ``device_ids``."""

    def __init__(self, module: torch.nn.Module, **kwargs) -> None:
        kwargs.pop('device_ids', None)
        super().__init__(module=revert_sync_batchnorm(module), **kwargs)


#: CUDA wrapper type -> its CPU counterpart.
CPU_WRAPPERS = {
    'MMDistributedDataParallel': 'CPUDistributedDataParallel',
    'MMSeparateDistributedDataParallel': 'CPUSeparateDistributedDataParallel',
}


def setup_cpu_distributed(cfg: Config) -> bool:
    """Prepare ``--launcher pytorch`` on a machine without CUDA.

    mmengine's launcher calls ``torch.cuda.set_device`` unconditionally, so
    the gloo process group is initialised here, before the Runner (which
    then skips its own initialisation), and the model is wrapped by
    :class:`CPUDistributedDataParallel` (or, for a config asking for
    ``MMSeparateDistributedDataParallel``, its CPU counterpart).

    Returns:
        True if a CPU process group was set up, False when CUDA is present
        (the Runner's own NCCL set-up is used then).
    """
    if torch.cuda.is_available():
        return False
    missing = [
        k
        for k in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT')
        if k not in os.environ
    ]
    if missing:
        raise ConfigError(
            f'--launcher pytorch needs the torchrun environment (missing '
            f'{", ".join(missing)}); start it with tools/dist_train.sh'
        )
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    wrapper = cfg.get('model_wrapper_cfg') or ConfigDict()
    kind = wrapper.get('type', 'MMDistributedDataParallel')
    wrapper.type = CPU_WRAPPERS.get(kind, kind)
    cfg.model_wrapper_cfg = wrapper
    return True
