"""Generators, discriminator, schedule and differentiable augmentation."""

import math

import pytest
import torch

from ftcl_mm.models import (
    DiffAugment,
    Discriminator,
    ImageGenerator,
    PairGenerator,
    SimilaritySchedule,
)


@pytest.mark.parametrize('size', [32, 64, 224])
def test_generator_and_discriminator_sizes(size):
    g = ImageGenerator(out_size=size, latent_dim=16, base_channels=4)
    img = g(torch.randn(2, 16))
    assert img.shape == (2, 3, size, size)
    assert img.min() >= 0 and img.max() <= 1
    logits = Discriminator(in_size=size, base_channels=4)(img)
    assert logits.shape == (2,)


def test_unsupported_size():
    with pytest.raises(ValueError, match='out_size'):
        ImageGenerator(out_size=90)


@pytest.mark.parametrize('rho', [1.0, 0.8, 0.5, 0.0])
def test_pair_noise_has_the_scheduled_correlation(rho):
    z = torch.randn(4000, 64, generator=torch.Generator().manual_seed(0))
    z_b = PairGenerator.correlated_noise(
        z, rho, torch.Generator().manual_seed(1)
    )
    corr = torch.corrcoef(torch.stack([z.flatten(), z_b.flatten()]))[0, 1]
    assert abs(float(corr) - rho) < 0.01
    assert abs(float(z_b.std()) - 1.0) < 0.01  # still standard normal


def test_pair_is_identical_at_rho_one_before_training():
    pair = PairGenerator(out_size=32, latent_dim=16, base_channels=4)
    a, b = pair(torch.randn(3, 16), rho=1.0)
    assert torch.equal(a, b)
    a, b = pair(torch.randn(3, 16), rho=0.5)
    assert not torch.allclose(a, b)
    # Two generators, not one: their parameters are separate tensors.
    assert pair.gen_a.fc.weight.data_ptr() != pair.gen_b.fc.weight.data_ptr()


def test_similarity_schedule():
    lin = SimilaritySchedule(1.0, 0.5, 'linear')
    assert [lin(p) for p in (0, 0.5, 1, 2)] == [1.0, 0.75, 0.5, 0.5]
    cos = SimilaritySchedule(1.0, 0.5, 'cosine')
    assert cos(0) == 1.0 and math.isclose(cos(0.5), 0.75)
    assert cos(0.25) > lin(0.25) and math.isclose(cos(1), 0.5)
    assert SimilaritySchedule(0.9, 0.1, 'constant')(0.7) == 0.9
    with pytest.raises(ValueError):
        SimilaritySchedule(1.0, 1.5)
    with pytest.raises(ValueError):
        SimilaritySchedule(kind='step')


def test_diff_augment_is_differentiable_and_seeded():
    aug = DiffAugment()
    x = torch.rand(4, 3, 16, 16, requires_grad=True)
    out = aug(x, torch.Generator().manual_seed(0))
    assert out.shape == x.shape and out.min() >= 0 and out.max() <= 1
    out.sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    again = aug(x.detach(), torch.Generator().manual_seed(0))
    assert torch.equal(out.detach(), again)
    assert not torch.equal(
        again, aug(x.detach(), torch.Generator().manual_seed(1))
    )
