"""SplitBatchNorm: per-group statistics in training, BatchNorm in eval,
BatchNorm's state dict."""

import pytest
import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer

from ftcl_mm.models import SplitBatchNorm


@pytest.mark.parametrize('shape', [(16, 4, 3, 3), (16, 4)])
def test_training_normalises_each_group_on_its_own(shape):
    torch.manual_seed(0)
    x = torch.randn(*shape) * 3 + 1
    split = SplitBatchNorm(4, num_splits=4)
    nn.init.normal_(split.weight)
    nn.init.normal_(split.bias)
    bn_type = nn.BatchNorm2d if len(shape) == 4 else nn.BatchNorm1d
    outs, means, variances = [], [], []
    for g in range(4):  # four "GPUs", each with its contiguous quarter
        bn = bn_type(4)
        bn.load_state_dict(split.state_dict())
        outs.append(bn(x[g * 4 : (g + 1) * 4]))
        means.append(bn.running_mean)
        variances.append(bn.running_var)
    out = split(x)
    torch.testing.assert_close(out, torch.cat(outs))
    torch.testing.assert_close(split.running_mean, torch.stack(means).mean(0))
    torch.testing.assert_close(
        split.running_var, torch.stack(variances).mean(0)
    )
    # one batch-wide statistic would differ: the groups really are apart
    whole = bn_type(4)
    whole.load_state_dict(split.state_dict())
    assert not torch.allclose(whole.train()(x), out, atol=1e-3)


def test_eval_is_batchnorm_and_checkpoints_load_into_batchnorm():
    split = build_norm_layer(dict(type='SplitBN', num_splits=2), 8)[1]
    assert isinstance(split, SplitBatchNorm) and split.num_splits == 2
    split(torch.randn(4, 8, 5, 5) + 2)  # move the running statistics
    bn = nn.BatchNorm2d(8)
    bn.load_state_dict(split.state_dict())  # same names and shapes
    x = torch.randn(3, 8, 5, 5)  # any batch size at test time
    torch.testing.assert_close(split.eval()(x), bn.eval()(x))


def test_no_affine_and_clear_errors():
    split = SplitBatchNorm(4, num_splits=2, affine=False)
    out = split(torch.randn(6, 4))
    groups = out.view(2, 3, 4)
    torch.testing.assert_close(
        groups.mean(1), torch.zeros(2, 4), atol=1e-5, rtol=0
    )
    with pytest.raises(ValueError, match='not a multiple of num_splits=4'):
        SplitBatchNorm(4, num_splits=4)(torch.randn(6, 4))
    with pytest.raises(ValueError, match='positive int'):
        SplitBatchNorm(4, num_splits=0)
