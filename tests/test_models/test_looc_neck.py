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
