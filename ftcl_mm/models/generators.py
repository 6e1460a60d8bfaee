"""Building blocks of Hard Sample Generation (Wu et al. 2022), pure torch.

* :class:`ImageGenerator`: noise -> RGB image in [0, 1] at the training
  resolution (DCGAN-style: linear to a 4-7 px map, then upsample + conv
  blocks, sigmoid output).
* :class:`PairGenerator`: two such generators fed with *correlated* noise
  ``z_b = rho z_a + sqrt(1 - rho^2) eps``; ``G_b`` starts as a copy of
  ``G_a``, so at ``rho = 1`` the pair is identical at initialisation and
  drifts apart as both learn and as ``rho`` is lowered.
* :class:`SimilaritySchedule`: ``rho`` over training (the hardness).
* :class:`Discriminator`: strided convs to a realism logit.
* :class:`DiffAugment`: SimCLR-style augmentations (resized crop, flip,
  colour jitter, grayscale) written with differentiable tensor ops, so
  gradients reach the generator through its augmented samples.

The paper's exact architectures are not public; these are documented,
configurable choices (docs/siblings.md, "Hard Sample Generation").
"""

from __future__ import annotations

import copy
import math
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS


def _start_size(out_size: int) -> Tuple[int, int]:
    """``(s0, n)`` with ``s0 * 2**n == out_size`` and ``4 <= s0 <= 7``."""
    n = 0
    while out_size % 2 == 0 and out_size // 2 >= 4:
        out_size //= 2
        n += 1
    if not 4 <= out_size <= 7:
        raise ValueError(
            'out_size must be 4..7 times a power of two (e.g. 32, 64, 96, 224)'
        )
    return out_size, n


@MODELS.register_module()
class ImageGenerator(nn.Module):
    """Noise to image in [0, 1].

    Args:
        out_size: Output side (training resolution).
        latent_dim: Noise dimension.
        base_channels: Channels of the last block (doubled per block
            towards the input, capped at ``8 * base_channels``).
    """

    def __init__(
        self,
        out_size: int = 32,
        latent_dim: int = 128,
        base_channels: int = 64,
    ) -> None:
        super().__init__()
        s0, n = _start_size(out_size)
        self.out_size, self.latent_dim = out_size, latent_dim
        chans = [
            min(base_channels * 2 ** (n - i), base_channels * 8)
            for i in range(n + 1)
        ]
        self.s0 = s0
        self.fc = nn.Linear(latent_dim, chans[0] * s0 * s0)
        blocks = []
        for c_in, c_out in zip(chans[:-1], chans[1:]):
            blocks += [
                nn.Upsample(scale_factor=2, mode='nearest'),
                nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
                nn.BatchNorm2d(c_out),
                nn.ReLU(inplace=True),
            ]
        self.blocks = nn.Sequential(
            nn.BatchNorm2d(chans[0]), nn.ReLU(inplace=True), *blocks
        )
        self.to_rgb = nn.Conv2d(chans[-1], 3, 3, padding=1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = self.fc(z).view(z.size(0), -1, self.s0, self.s0)
        return torch.sigmoid(self.to_rgb(self.blocks(x)))


@MODELS.register_module()
class PairGenerator(nn.Module):
    """Two generators whose inputs share noise with correlation ``rho``.

    Args:
        **kwargs: :class:`ImageGenerator` arguments (both members).
    """

    def __init__(self, **kwargs) -> None:
        super().__init__()
        self.gen_a = ImageGenerator(**kwargs)
        self.gen_b = copy.deepcopy(self.gen_a)
        self.latent_dim = self.gen_a.latent_dim

    @staticmethod
    def correlated_noise(
        z: torch.Tensor,
        rho: float,
        generator: Optional[torch.Generator] = None,
    ) -> torch.Tensor:
        """``rho z + sqrt(1 - rho^2) eps``: standard normal, correlation
        ``rho`` with ``z`` per coordinate."""
        eps = torch.randn(
            z.shape, generator=generator, device=z.device, dtype=z.dtype
        )
        return rho * z + math.sqrt(max(0.0, 1.0 - rho * rho)) * eps

    def forward(
        self,
        z: torch.Tensor,
        rho: float,
        generator: Optional[torch.Generator] = None,
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        z_b = self.correlated_noise(z, rho, generator)
        return self.gen_a(z), self.gen_b(z_b)


class SimilaritySchedule:
    """Pair similarity ``rho`` from ``start`` to ``end`` over training.

    Args:
        start: ``rho`` at the first iteration (1.0: identical noise).
        end: ``rho`` at the last iteration (lower: harder positives).
        kind: ``'linear'``, ``'cosine'`` or ``'constant'`` (``start``).
    """

    KINDS = ('linear', 'cosine', 'constant')

    def __init__(
        self, start: float = 1.0, end: float = 0.5, kind: str = 'linear'
    ) -> None:
        if kind not in self.KINDS:
            raise ValueError(
                f'schedule kind must be one of {self.KINDS}, got {kind!r}'
            )
        for name, v in (('start', start), ('end', end)):
            if not 0.0 <= v <= 1.0:
                raise ValueError(
                    f'similarity {name} must be in [0, 1], got {v}'
                )
        self.start, self.end, self.kind = float(start), float(end), kind

    def __call__(self, progress: float) -> float:
        """``rho`` at ``progress`` = iteration / max_iters in [0, 1]."""
        t = min(max(float(progress), 0.0), 1.0)
        if self.kind == 'constant':
            return self.start
        if self.kind == 'cosine':
            t = 0.5 * (1.0 - math.cos(math.pi * t))
        return self.start + (self.end - self.start) * t

    def __repr__(self) -> str:
        return (
            f'{type(self).__name__}(start={self.start}, end={self.end}, '
            f'kind={self.kind!r})'
        )


@MODELS.register_module()
class Discriminator(nn.Module):
    """Strided 4x4 convs (LeakyReLU) to a 4-7 px map, then a linear logit.

    Args:
        in_size: Image side.
        base_channels: Channels of the first conv (doubled per block,
            capped at ``8 * base_channels``).
    """

    def __init__(self, in_size: int = 32, base_channels: int = 64) -> None:
        super().__init__()
        s0, n = _start_size(in_size)
        layers, c_in = [], 3
        for i in range(n):
            c_out = min(base_channels * 2**i, base_channels * 8)
            layers += [
                nn.Conv2d(c_in, c_out, 4, 2, 1),
                nn.LeakyReLU(0.2, inplace=True),
            ]
            c_in = c_out
        self.features = nn.Sequential(*layers)
        self.logit = nn.Linear(c_in * s0 * s0, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Realism logits (N) of images in [0, 1]."""
        return self.logit(torch.flatten(self.features(x * 2 - 1), 1))[:, 0]


@MODELS.register_module()
class DiffAugment(nn.Module):
    """Differentiable SimCLR-style augmentation of images in [0, 1].

    Random resized crop and horizontal flip are one affine ``grid_sample``
    per image; colour jitter (brightness, contrast, saturation) and random
    grayscale are arithmetic on the pixels. Every step is differentiable in
    the image.

    Args:
        scale: Range of the crop's area fraction.
        flip_prob: Horizontal flip probability.
        jitter: Strength of brightness/contrast/saturation jitter.
        jitter_prob: Probability of applying the colour jitter.
        gray_prob: Probability of converting to grayscale.
    """

    def __init__(
        self,
        scale: Tuple[float, float] = (0.2, 1.0),
        flip_prob: float = 0.5,
        jitter: float = 0.4,
        jitter_prob: float = 0.8,
        gray_prob: float = 0.2,
    ) -> None:
        super().__init__()
        self.scale = tuple(scale)
        self.flip_prob = flip_prob
        self.jitter = jitter
        self.jitter_prob = jitter_prob
        self.gray_prob = gray_prob

    def forward(
        self, x: torch.Tensor, generator: Optional[torch.Generator] = None
    ) -> torch.Tensor:
        n, dev = x.size(0), x.device

        def rand(*shape):
            return torch.rand(
                shape, generator=generator, device=dev, dtype=x.dtype
            )

        # Resized crop (square, area fraction in `scale`) + flip.
        lo, hi = self.scale
        side = (lo + (hi - lo) * rand(n)).sqrt()
        cx = (1 - side) * (2 * rand(n) - 1)
        cy = (1 - side) * (2 * rand(n) - 1)
        flip = torch.where(rand(n) < self.flip_prob, -1.0, 1.0).to(x.dtype)
        theta = torch.zeros(n, 2, 3, device=dev, dtype=x.dtype)
        theta[:, 0, 0], theta[:, 0, 2] = side * flip, cx
        theta[:, 1, 1], theta[:, 1, 2] = side, cy
        grid = F.affine_grid(theta, list(x.shape), align_corners=False)
        x = F.grid_sample(
            x,
            grid,
            mode='bilinear',
            padding_mode='reflection',
            align_corners=False,
        )
        # Colour jitter, applied to a random subset.
        on = (rand(n, 1, 1, 1) < self.jitter_prob).to(x.dtype)
        j = self.jitter

        def factor():
            return 1 + on * j * (2 * rand(n, 1, 1, 1) - 1)

        x = x * factor()
        mean = x.mean(dim=(1, 2, 3), keepdim=True)
        x = (x - mean) * factor() + mean
        gray = (x * x.new_tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)).sum(
            1, keepdim=True
        )
        x = (x - gray) * factor() + gray
        # Random grayscale.
        g = (rand(n, 1, 1, 1) < self.gray_prob).to(x.dtype)
        gray = (x * x.new_tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)).sum(
            1, keepdim=True
        )
        x = g * gray.expand_as(x) + (1 - g) * x
        return x.clamp(0, 1)
