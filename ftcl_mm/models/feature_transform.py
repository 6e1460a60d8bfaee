"""Feature Transformation (Zhu, Zhao et al., ICCV 2021) in pure torch.

Two operations on L2-normalised projections, reused by every algorithm:

* **Positive extrapolation** (harder positives). With
  ``lam = 1 + Beta(alpha_ex, alpha_ex)`` in (1, 2)::

      q_hat = lam * q + (1 - lam) * k
      k_hat = lam * k + (1 - lam) * q

  Without re-normalisation ``q_hat . k_hat = S + 2 lam (1 - lam) (1 - S)``,
  which is <= S: the positive score drops. Gradients reach ``q_hat`` and
  ``k_hat`` through ``q``; a detached key stays detached.

* **Negative interpolation** (more diverse negatives). With
  ``lam ~ Beta(alpha_in, alpha_in)`` and a random permutation ``perm`` of
  the negatives::

      z_hat = lam * z + (1 - lam) * z[perm]

  A new tensor is returned; the stored queue is never modified.

``pos_mode='interpolate'`` draws ``lam ~ Beta(alpha_ex, alpha_ex)`` in
(0, 1) instead: the positives move towards each other and the score rises
(the paper's Table 3 contrast of interpolated vs extrapolated positives).

``granularity`` chooses the shape of ``lam``: ``'batch'`` (one scalar per
step, the paper's default), ``'sample'`` (one per sample/negative) or
``'dim'`` (one per feature dimension per sample: dimension-level mixing,
Table 7). ``renorm=True`` re-projects the mixed features onto the unit
sphere (off by default, as in the paper).

Randomness: every lambda and permutation comes from a ``torch.Generator``
on the features' device, re-seeded each training step from
``(seed, step)``. All ranks share the seed and the step counter, so all
ranks draw identical lambdas, and a run is reproducible (also across
resume: ``step`` is saved in the ``rng_state`` buffer). The official code
drew unseeded numpy arrays of the full K x d shape on every GPU.
"""

from __future__ import annotations

from numbers import Real
from typing import Dict, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

GRANULARITIES = ('batch', 'sample', 'dim')
POS_MODES = ('extrapolate', 'interpolate')


class FeatureTransform(nn.Module):
    """Positive extrapolation and negative interpolation of features.

    Args:
        pos: Apply positive extrapolation.
        neg: Apply negative interpolation.
        pos_alpha: ``alpha_ex`` of ``lam = 1 + Beta(alpha_ex, alpha_ex)``.
        neg_alpha: ``alpha_in`` of ``lam ~ Beta(alpha_in, alpha_in)``.
        granularity: ``'batch'``, ``'sample'`` or ``'dim'`` (see module doc).
        renorm: L2-normalise the transformed features.
        seed: Seed of the lambda generator; the FT hook sets it to the run's
            seed. Every rank must use the same value.
        enabled: Initial on/off state (the FT hook switches it at the
            configured start epoch/iteration).
        pos_mode: ``'extrapolate'`` (the paper's FT: ``lam`` in (1, 2)) or
            ``'interpolate'`` (``lam`` in (0, 1), Table 3's contrast).
        pos_lambda_max: Bounded extrapolation: ``lam = 1 + (pos_lambda_max
            - 1) Beta(alpha_ex, alpha_ex)`` in ``[1, pos_lambda_max]``
            (SynCo extrapolates in (1, 1.5)); 2.0, the default, is the
            paper's ``1 + Beta``. The penalty on the positive score,
            ``2 lam (lam - 1)(1 - S)``, shrinks from a mean of 1.6 (1 - S)
            at 2.0 to 0.65 (1 - S) at 1.5 (alpha_ex 2).
    """

    def __init__(
        self,
        pos: bool = True,
        neg: bool = True,
        pos_alpha: float = 2.0,
        neg_alpha: float = 1.6,
        granularity: str = 'batch',
        renorm: bool = False,
        seed: int = 0,
        enabled: bool = True,
        pos_mode: str = 'extrapolate',
        pos_lambda_max: float = 2.0,
    ) -> None:
        super().__init__()
        if (
            isinstance(pos_lambda_max, bool)
            or not isinstance(pos_lambda_max, Real)
            or not 1 <= pos_lambda_max < float('inf')
        ):
            raise ValueError(
                'pos_lambda_max must be a finite number >= 1 (the largest '
                f'extrapolation coefficient), got {pos_lambda_max!r}'
            )
        if pos_mode not in POS_MODES:
            raise ValueError(
                f'pos_mode must be one of {POS_MODES}, got {pos_mode!r}'
            )
        if granularity not in GRANULARITIES:
            raise ValueError(
                f'granularity must be one of {GRANULARITIES}, '
                f'got {granularity!r}'
            )
        for name, alpha in (
            ('pos_alpha', pos_alpha),
            ('neg_alpha', neg_alpha),
        ):
            # Type first: a string from --cfg-options must say what is
            # expected, not that '>' cannot compare str and int.
            if isinstance(alpha, bool) or not isinstance(alpha, Real):
                raise ValueError(
                    f'{name} must be a number > 0 (a Beta distribution '
                    f'parameter), got {alpha!r}'
                )
            if not 0 < alpha < float('inf'):
                raise ValueError(f'{name} must be finite and > 0, got {alpha}')
        for name, flag in (
            ('pos', pos),
            ('neg', neg),
            ('renorm', renorm),
            ('enabled', enabled),
        ):
            if not isinstance(flag, bool):
                raise ValueError(f'{name} must be True or False, got {flag!r}')
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f'seed must be an integer, got {seed!r}')
        self.pos = pos
        self.neg = neg
        self.pos_alpha = float(pos_alpha)
        self.neg_alpha = float(neg_alpha)
        self.granularity = granularity
        self.renorm = renorm
        self.pos_mode = pos_mode
        self.pos_lambda_max = float(pos_lambda_max)
        self.seed = int(seed)
        self.enabled = enabled
        self.step = 0
        self.register_buffer(
            'rng_state', torch.tensor([0, self.seed], dtype=torch.long)
        )
        self._generators: Dict[torch.device, torch.Generator] = {}
        self._gen_step: Dict[torch.device, int] = {}
        #: Lambdas drawn in the latest step, as device tensors (no host
        #: sync); reported with the scores (FeatureTransformMixin).
        self.last_lambdas: Dict[str, torch.Tensor] = {}

    # ------------------------------------------------------------------
    # state
    # ------------------------------------------------------------------
    @property
    def pos_active(self) -> bool:
        return self.enabled and self.pos

    @property
    def neg_active(self) -> bool:
        return self.enabled and self.neg

    def extra_repr(self) -> str:
        return (
            f'pos={self.pos}, neg={self.neg}, pos_alpha={self.pos_alpha}'
            f', neg_alpha={self.neg_alpha}, granularity='
            f"'{self.granularity}', renorm={self.renorm}, "
            f"pos_mode='{self.pos_mode}', pos_lambda_max="
            f'{self.pos_lambda_max}, enabled={self.enabled}'
        )

    # ``step`` and ``seed`` are Python ints (seeding must not read a device
    # tensor: that would sync every step); the ``rng_state`` buffer carries
    # them in state dicts, so checkpoints, resume and mmengine's broadcast
    # of model state (all tensors only) handle them like any buffer.
    def _save_to_state_dict(self, destination, prefix, keep_vars):
        self.rng_state.copy_(torch.tensor([self.step, self.seed]))
        super()._save_to_state_dict(destination, prefix, keep_vars)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        saved = state_dict.get(prefix + 'rng_state')
        if saved is not None:
            self.step, self.seed = (int(v) for v in saved.tolist())
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def next_step(self) -> None:
        """Advance the step counter (once per training iteration)."""
        self.step += 1

    def generator(self, device: torch.device) -> torch.Generator:
        """Generator on ``device`` seeded from ``(seed, step)``.

        Re-seeded at most once per step and device, so the draws of one
        step (positives, then negatives) form a single reproducible stream.
        """
        device = torch.device(device)
        if device not in self._generators:
            self._generators[device] = torch.Generator(device=device)
        if self._gen_step.get(device) != self.step:
            # 64-bit mix of seed and step (splitmix-style odd constant).
            mixed = (self.seed * 0x9E3779B97F4A7C15 + self.step) % (1 << 63)
            self._generators[device].manual_seed(mixed)
            self._gen_step[device] = self.step
        return self._generators[device]

    # ------------------------------------------------------------------
    # sampling
    # ------------------------------------------------------------------
    def _lambda_shape(
        self, n: int, d: int, sample_dim: int, ndim: int
    ) -> Tuple[int, ...]:
        """Shape of lambda broadcasting against features."""
        if self.granularity == 'batch':
            return (1,) * ndim
        shape = [1] * ndim
        shape[sample_dim] = n
        if self.granularity == 'dim':
            shape[-1 if sample_dim != ndim - 1 else 0] = d
        return tuple(shape)

    def sample_beta(
        self,
        alpha: float,
        shape: Tuple[int, ...],
        device: torch.device,
        dtype: torch.dtype = torch.float32,
    ) -> torch.Tensor:
        """Beta(alpha, alpha) draws of ``shape`` from the step generator.

        Uses ``X / (X + Y)`` with ``X, Y ~ Gamma(alpha)``; torch's public
        ``Beta`` distribution cannot take a generator.
        """
        gen = self.generator(device)
        conc = torch.full(
            (2,) + tuple(shape), alpha, device=device, dtype=torch.float32
        )
        gam = torch._standard_gamma(conc, generator=gen)
        lam = gam[0] / (gam[0] + gam[1]).clamp_min(1e-12)
        return lam.to(dtype)

    def positive_lambda(self, q: torch.Tensor) -> torch.Tensor:
        """The positives' ``lam`` for features ``q`` (N x d): ``1 +
        (pos_lambda_max - 1) Beta(alpha_ex, alpha_ex)`` (extrapolate) or
        ``Beta(alpha_ex, alpha_ex)`` (interpolate), shaped by
        ``granularity``."""
        n, d = q.shape
        lam = self.sample_beta(
            self.pos_alpha, self._lambda_shape(n, d, 0, 2), q.device, q.dtype
        )
        if self.pos_mode == 'interpolate':
            return lam
        if self.pos_lambda_max == 2.0:  # the paper's; bit-identical
            return 1.0 + lam
        return 1.0 + (self.pos_lambda_max - 1.0) * lam

    # ------------------------------------------------------------------
    # transforms
    # ------------------------------------------------------------------
    def extrapolate_positives(
        self,
        q: torch.Tensor,
        k: torch.Tensor,
        lam: Optional[torch.Tensor] = None,
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Harder positive pair ``(q_hat, k_hat)`` from ``q, k`` (N x d).

        Args:
            q: Query (or prediction) features, N x d.
            k: Key (or target) features, N x d; keep it detached where the
                parent algorithm detaches it.
            lam: Optional explicit lambda (broadcastable to N x d, values in
                (1, 2), or (0, 1) to interpolate); drawn from the generator
                (:meth:`positive_lambda`) if None.

        Returns:
            ``q_hat, k_hat``; unchanged inputs if positive FT is inactive.
        """
        if not self.pos_active:
            return q, k
        if lam is None:
            lam = self.positive_lambda(q)
        q_hat = lam * q + (1.0 - lam) * k
        k_hat = lam * k + (1.0 - lam) * q
        if self.renorm:
            q_hat, k_hat = F.normalize(q_hat, dim=1), F.normalize(k_hat, dim=1)
        self.last_lambdas['pos'] = lam.detach()
        return q_hat, k_hat

    @property
    def mixes_scores(self) -> bool:
        """Whether negative interpolation can act on scores instead of
        features: with one lambda per negative (``batch``/``sample``) and no
        re-normalisation, ``a . (lam z_j + (1-lam) z_perm(j)) = lam s_j +
        (1-lam) s_perm(j)`` exactly, which costs O(N K) instead of O(K d).
        """
        return self.granularity != 'dim' and not self.renorm

    def interpolate_negative_scores(
        self, scores: torch.Tensor, sample_dim: int = -1
    ) -> torch.Tensor:
        """Negative interpolation applied to anchor-negative scores.

        Draws the same permutation and lambdas as
        :meth:`interpolate_negatives` would for the negatives' features, so
        both paths give the same result (see :attr:`mixes_scores`).

        Args:
            scores: Scores of anchors against negatives; ``sample_dim``
                indexes the negatives.
            sample_dim: Dimension of the negatives.

        Returns:
            Mixed scores (a new tensor), or ``scores`` if inactive.
        """
        if not self.neg_active:
            return scores
        if not self.mixes_scores:
            raise RuntimeError(
                'score mixing is exact only for batch/sample '
                'lambdas without renorm; mix the features'
            )
        sample_dim = sample_dim % scores.dim()
        n = scores.shape[sample_dim]
        perm = torch.randperm(
            n, generator=self.generator(scores.device), device=scores.device
        )
        shape = [1] * scores.dim()
        if self.granularity == 'sample':
            shape[sample_dim] = n
        lam = self.sample_beta(
            self.neg_alpha, tuple(shape), scores.device, scores.dtype
        )
        self.last_lambdas['neg'] = lam.detach()
        return lam * scores + (1.0 - lam) * scores.index_select(
            sample_dim, perm
        )

    def interpolate_negatives(
        self,
        z: torch.Tensor,
        sample_dim: int = 0,
        lam: Optional[torch.Tensor] = None,
        perm: Optional[torch.Tensor] = None,
    ) -> torch.Tensor:
        """Mix every negative with a randomly chosen other negative.

        Args:
            z: Negatives; the feature dimension is the last dimension unless
                ``sample_dim`` is the last one (MoCo's d x K queue), in which
                case it is dimension 0.
            sample_dim: Dimension that indexes the negatives.
            lam: Optional explicit lambda broadcastable to ``z``.
            perm: Optional explicit permutation of the negatives.

        Returns:
            A new tensor ``lam * z + (1 - lam) * z[perm]`` (``z`` itself is
            never written), or ``z`` if negative FT is inactive.
        """
        if not self.neg_active:
            return z
        sample_dim = sample_dim % z.dim()
        n = z.shape[sample_dim]
        feat_dim = -1 if sample_dim != z.dim() - 1 else 0
        d = z.shape[feat_dim]
        if perm is None:
            perm = torch.randperm(
                n, generator=self.generator(z.device), device=z.device
            )
        if lam is None:
            shape = list(self._lambda_shape(n, d, sample_dim, z.dim()))
            lam = self.sample_beta(
                self.neg_alpha, tuple(shape), z.device, z.dtype
            )
        z_hat = lam * z + (1.0 - lam) * z.index_select(sample_dim, perm)
        if self.renorm:
            z_hat = F.normalize(z_hat, dim=feat_dim)
        self.last_lambdas['neg'] = lam.detach()
        return z_hat
