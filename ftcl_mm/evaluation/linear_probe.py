"""A linear probe trained on cached features.

The full linear protocol (``tools/train.py`` on a linear config) runs the
frozen backbone over every training image in every epoch, with random
crops and flips. Here the backbone runs once: the pooled features of the
training images through the *test* pipeline are cached and the config's
own head, optimizer and schedule (mmpretrain ``LinearClsHead``, mmengine
``OptimWrapper`` and parameter schedulers) are trained on them for the
config's epochs. The differences from the full protocol are no
augmentation and BN statistics of whole images; both are measured in
docs (docs/reports/narratives/linear_probe.md).
"""

from __future__ import annotations

import copy
import logging

import torch


def linear_probe_top1(
    cfg,
    train_feats: torch.Tensor,
    train_labels: torch.Tensor,
    val_feats: torch.Tensor,
    val_labels: torch.Tensor,
    seed: int = 0,
) -> float:
    """Train ``cfg.model.head`` on cached features; val top-1 (%).

    Args:
        cfg: A linear-evaluation config (``model.head``, ``optim_wrapper``,
            ``param_scheduler``, ``train_cfg.max_epochs``,
            ``train_dataloader.batch_size``).
        train_feats: Pooled training features (N x C).
        train_labels: Their labels (N).
        val_feats: Pooled validation features.
        val_labels: Their labels.
        seed: Seeds the head's init and the batch order.

    Returns:
        Top-1 accuracy (%) on the validation features.
    """
    from mmengine.logging import MMLogger
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import PARAM_SCHEDULERS
    from mmpretrain.registry import MODELS

    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    head = MODELS.build(copy.deepcopy(cfg.model.head)).to(train_feats.device)
    # mmengine logs every parameter's initialisation at INFO when no log
    # file is open (a probe's case): lines of noise on each task's output.
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        head.init_weights()
    finally:
        logger.setLevel(level)
    optim = build_optim_wrapper(head, copy.deepcopy(cfg.optim_wrapper))
    schedulers = []
    for sched in copy.deepcopy(cfg.get('param_scheduler') or []):
        if not sched.pop('by_epoch', True):
            raise ValueError(
                'the cached linear probe steps schedulers per epoch; '
                f'{sched["type"]} is by iteration'
            )
        sched.pop('_scope_', None)
        schedulers.append(PARAM_SCHEDULERS.build(dict(sched, optimizer=optim)))
    batch = int(cfg.train_dataloader.batch_size)
    drop_last = bool(cfg.train_dataloader.get('drop_last', False))
    n = len(train_feats)
    head.train()
    for _ in range(int(cfg.train_cfg.max_epochs)):
        order = torch.randperm(n, generator=generator).to(train_feats.device)
        stop = n - n % batch if drop_last else n
        for start in range(0, stop, batch):
            idx = order[start : start + batch]
            # What ClsHead.loss computes, without building a DataSample
            # (and a host sync) per feature: the config's loss module on
            # the logits and the label tensor.
            logits = head((train_feats[idx],))
            loss = head.loss_module(
                logits, train_labels[idx], avg_factor=len(idx)
            )
            optim.update_params(loss)
        for sched in schedulers:
            sched.step()
    head.eval()
    with torch.no_grad():
        logits = head((val_feats,))
    return 100.0 * float((logits.argmax(1) == val_labels).float().mean())
