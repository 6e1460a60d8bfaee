"""LooCNeck: shared layer, one head per space, LooC++ concatenation."""

import pytest
import torch

from ftcl_mm.models import LooCNeck


def test_spaces_share_the_first_layer_only():
    neck = LooCNeck(8, 16, 4, num_spaces=3)
    neck.init_weights()
    x = [torch.randn(2, 8, 3, 3)]
    spaces = neck(x)
    assert len(spaces) == 3 and all(z.shape == (2, 4) for z in spaces)
    sum(z.sum() for z in spaces[1:]).backward()
    # Heads 1 and 2 got gradients, head 0 none; the shared layer got some.
    assert neck.heads[0].weight.grad is None
    assert neck.heads[1].weight.grad is not None
    assert neck.shared[0].weight.grad.abs().sum() > 0


def test_concat_output():
    neck = LooCNeck(8, 16, 4, num_spaces=3, output='concat')
    out = neck([torch.randn(2, 8, 3, 3)])
    assert len(out) == 1 and out[0].shape == (2, 12)
    torch.testing.assert_close(
        out[0].view(2, 3, 4).norm(dim=2), torch.ones(2, 3)
    )


@pytest.mark.parametrize('bad', [dict(num_spaces=0), dict(output='x')])
def test_invalid_options(bad):
    with pytest.raises(ValueError):
        LooCNeck(8, 16, 4, **bad)


def test_norm_cfg_adds_bn_and_unit_variance_heads():
    import torch

    from ftcl_mm.models import LooCNeck

    neck = LooCNeck(32, 16, 8, num_spaces=3, norm_cfg=dict(type='BN1d'))
    keys = neck.state_dict().keys()
    assert 'shared.1.running_mean' in keys and 'heads.2.1.running_var' in keys
    # the heads' norm has no affine parameters (as the tiny MoCo v2 neck)
    assert 'heads.0.1.weight' not in keys and 'shared.1.weight' in keys
    x = torch.randn(64, 32, 2, 2) * 5 + 3
    for z in neck.train()([x]):
        assert z.shape == (64, 8)
        torch.testing.assert_close(
            z.mean(0), torch.zeros(8), atol=1e-5, rtol=0
        )
    # without norm_cfg the layers (and checkpoint keys) stay the paper's
    plain = LooCNeck(32, 16, 8).state_dict().keys()
    assert 'heads.0.weight' in plain and not any('running' in k for k in plain)
