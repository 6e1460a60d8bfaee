"""Split batch normalisation: ShuffleBN's statistics on a single process.

MoCo's ShuffleBN (He et al. 2020, Sec. 3.3) normalises each GPU's share of
the batch on its own and shuffles the keys across GPUs, so a query and its
positive key never share BN statistics: with one batch-wide statistic the
encoder can find the positive through the batch ("intra-batch
communication", which the paper saw as a loss that drops while kNN does
not rise). On one process ``batch_shuffle_ddp`` permutes a single shard and
BN still sees the whole batch, so that protection is gone. Splitting the
batch into ``num_splits`` groups with their own statistics reproduces the
multi-GPU statistics exactly (the MoCo authors' single-GPU CIFAR demo does
the same, ``SplitBatchNorm``), and the key shuffle then decides which
group a key lands in.

Parameters and buffers have BatchNorm's names and shapes, so checkpoints
load into a plain ``nn.BatchNorm2d`` (conversion, detection) unchanged; in
eval mode the layer *is* BatchNorm with the running statistics, which are
the mean of the groups' updates.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.registry import MODELS


@MODELS.register_module('SplitBN')
class SplitBatchNorm(nn.modules.batchnorm._BatchNorm):
    """BatchNorm over ``num_splits`` equal groups of the batch (any rank).

    Sample ``n`` of a batch of ``N`` falls in group ``n * num_splits // N``
    (contiguous blocks, as the shards of ``num_splits`` GPUs).

    Args:
        num_features: Channels (dimension 1 of the input).
        num_splits: Groups per batch; the training batch size must be a
            multiple of it. 1 is plain BatchNorm.
        **kwargs: ``nn.BatchNorm`` arguments (eps, momentum, affine, ...).
    """

    _abbr_ = 'bn'

    def __init__(self, num_features: int, num_splits: int = 8, **kwargs):
        super().__init__(num_features, **kwargs)
        if not isinstance(num_splits, int) or num_splits < 1:
            raise ValueError(
                f'SplitBN: num_splits must be a positive int, got '
                f'{num_splits!r}'
            )
        self.num_splits = num_splits

    def _check_input_dim(self, input: torch.Tensor) -> None:
        if input.dim() < 2:
            raise ValueError(
                f'SplitBN expects (N, C, ...) input, got {input.dim()}-d'
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.num_splits == 1:
            return super().forward(x)
        n, c = x.shape[:2]
        s = self.num_splits
        if n % s:
            raise ValueError(
                f'SplitBN: batch of {n} is not a multiple of num_splits={s}; '
                f'set a batch size divisible by {s} (or drop_last=True)'
            )
        if self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
        momentum = self.momentum
        if momentum is None:  # cumulative average, as nn.BatchNorm
            momentum = 1.0 / float(self.num_batches_tracked)
        # (N, C, ...) -> (N/s, s*C, ...): group g's channels are the block
        # g*C..(g+1)*C, each normalised over its own N/s samples.
        grouped = x.reshape(s, n // s, c, *x.shape[2:]).transpose(0, 1)
        grouped = grouped.reshape(n // s, s * c, *x.shape[2:])
        track = self.track_running_stats
        mean = self.running_mean.repeat(s) if track else None
        var = self.running_var.repeat(s) if track else None
        out = F.batch_norm(
            grouped,
            mean,
            var,
            self.weight.repeat(s) if self.affine else None,
            self.bias.repeat(s) if self.affine else None,
            True,
            momentum,
            self.eps,
        )
        if track:
            with torch.no_grad():
                self.running_mean.copy_(mean.view(s, c).mean(0))
                self.running_var.copy_(var.view(s, c).mean(0))
        out = out.reshape(n // s, s, c, *x.shape[2:]).transpose(0, 1)
        return out.reshape(x.shape)

    def extra_repr(self) -> str:
        return super().extra_repr() + f', num_splits={self.num_splits}'
