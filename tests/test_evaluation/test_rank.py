"""ftcl_mm.evaluation.effective_rank: RankMe's known values."""

import math

import pytest
import torch

from ftcl_mm.evaluation import effective_rank


def test_known_values():
    g = torch.Generator().manual_seed(0)
    # Features on one line: rank 1, whatever their scale.
    line = torch.randn(500, 1, generator=g) * torch.randn(1, 64, generator=g)
    assert effective_rank(line) == pytest.approx(1.0, abs=1e-3)
    # k orthogonal directions with equal energy: exactly k.
    basis = torch.eye(64)[:8]
    assert effective_rank(basis) == pytest.approx(8.0, rel=1e-6)
    # Isotropic Gaussian features use nearly every dimension.
    iso = torch.randn(5000, 64, generator=g)
    assert 60 < effective_rank(iso) <= 64
    # A collapse towards one direction lowers it.
    cone = iso * 0.05 + torch.randn(1, 64, generator=g)
    assert effective_rank(cone) < effective_rank(iso) / 2


def test_bad_shape():
    with pytest.raises(ValueError, match='N x D matrix'):
        effective_rank(torch.zeros(3))
    assert math.isfinite(effective_rank(torch.zeros(4, 3) + 1))
