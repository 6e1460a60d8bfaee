"""What the Hard Sample Generation algorithms share (Wu et al. 2022).

A generator and a pair of generators are trained jointly and adversarially
with the encoder. One training iteration, in this order:

1. **generate** with gradients: ``num_single`` images ``G(z)`` and
   ``num_pairs`` pairs ``(G_a(z), G_b(z'))`` with noise correlation
   ``rho`` (:class:`~ftcl_mm.models.generators.SimilaritySchedule`);
   each generated image gets differentiable augmented views (a single
   image: two views of it; a pair: one view of each member);
2. **discriminator** step: logistic GAN loss, real (the batch's first
   view) vs the generated images (detached), both differentiably
   augmented;
3. **generator** step (encoder and discriminator frozen): maximise the
   encoder's contrastive loss on the generated views (the hardness
   reward) plus the non-saturating GAN loss (realism), i.e. minimise
   ``-hard_weight * reward + adv_weight * softplus(-D(G(z)))``;
4. **encoder** step: the algorithm's own loss on real plus the generated
   views from step 1 (detached).

Each step has its own optimizer (an mmengine ``OptimWrapperDict`` with keys
``encoder``, ``generator``, ``discriminator``, built by
:class:`~ftcl_mm.engine.HSGOptimWrapperConstructor`).
"""

from __future__ import annotations

import contextlib
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapperDict
from mmpretrain.registry import MODELS

from ..generators import (
    DiffAugment,
    ImageGenerator,
    PairGenerator,
    SimilaritySchedule,
)

#: Children that are not part of the encoder's optimizer group.
NON_ENCODER = (
    'generator',
    'pair_generator',
    'discriminator',
    'diff_augment',
    'data_preprocessor',
    'ft',
)


class HardSampleGenerationMixin:
    """Adds generators, a discriminator and the 4-step ``train_step``.

    Put it before the contrastive algorithm in the bases; it takes the
    :meth:`init_hsg` keyword arguments and passes the rest on. Subclasses
    (one per contrastive algorithm) implement :meth:`encoder_loss` and
    :meth:`generator_reward`.
    """

    HSG_ARGS = (
        'generator',
        'discriminator',
        'augment',
        'num_single',
        'num_pairs',
        'similarity',
        'hard_weight',
        'adv_weight',
    )
    #: Keys __init__ takes out of **kwargs (checked by config_check).
    init_kwargs = HSG_ARGS

    def __init__(self, *args, **kwargs) -> None:
        hsg = {k: kwargs.pop(k) for k in self.HSG_ARGS if k in kwargs}
        super().__init__(*args, **kwargs)
        self.init_hsg(**hsg)

    def init_hsg(
        self,
        generator: Optional[dict] = None,
        discriminator: Optional[dict] = None,
        augment: Optional[dict] = None,
        num_single: int = 32,
        num_pairs: int = 32,
        similarity: Optional[dict] = None,
        hard_weight: float = 1.0,
        adv_weight: float = 1.0,
    ) -> None:
        """Build the generation parts.

        Args:
            generator: :class:`ImageGenerator` arguments (``out_size`` =
                training resolution), shared by the single generator and
                both pair members.
            discriminator: :class:`Discriminator` arguments.
            augment: :class:`DiffAugment` arguments.
            num_single: Hard samples per step from the single generator
                (0: no single generator).
            num_pairs: Positive pairs per step from the pair generators
                (0: no pair generators).
            similarity: :class:`SimilaritySchedule` arguments for ``rho``.
            hard_weight: Weight of the hardness reward in the generator
                loss.
            adv_weight: Weight of the GAN (realism) loss.
        """
        if num_single < 0 or num_pairs < 0 or num_single + num_pairs == 0:
            raise ValueError(
                'need num_single + num_pairs > 0 (and both >= 0)'
                ' generated samples per step'
            )
        generator = dict(generator or {})
        out_size = generator.get('out_size', 32)
        self.num_single, self.num_pairs = num_single, num_pairs
        self.generator = ImageGenerator(**generator) if num_single else None
        self.pair_generator = PairGenerator(**generator) if num_pairs else None
        disc = dict(type='Discriminator', in_size=out_size)
        disc.update(discriminator or {})
        self.discriminator = MODELS.build(disc)
        self.diff_augment = DiffAugment(**(augment or {}))
        self.similarity = SimilaritySchedule(**(similarity or {}))
        self.hard_weight, self.adv_weight = hard_weight, adv_weight
        # Plain attributes: under DDP the generators are wrapped.
        self.latent_dim = (
            self.generator or self.pair_generator.gen_a
        ).latent_dim
        self.out_size = out_size
        self._register_state_dict_hook(_unwrapped_keys)

    # ------------------------------------------------------------------
    # groups, schedule, image spaces
    # ------------------------------------------------------------------
    def optim_groups(self) -> Dict[str, List[str]]:
        """Child modules per optimizer (the constructor uses this)."""
        gens = [
            n
            for n in ('generator', 'pair_generator')
            if getattr(self, n) is not None
        ]
        encoder = [n for n, _ in self.named_children() if n not in NON_ENCODER]
        return dict(
            encoder=encoder, generator=gens, discriminator=['discriminator']
        )

    def group_modules(self, group: str) -> nn.ModuleDict:
        return nn.ModuleDict(
            {n: getattr(self, n) for n in self.optim_groups()[group]}
        )

    def current_similarity(self) -> float:
        """``rho`` at the runner's progress (iteration / max_iters; 0
        outside a Runner)."""
        hub = MessageHub.get_current_instance()
        it, total = hub.get_info('iter', 0), hub.get_info('max_iters')
        return self.similarity(it / total if total else 0.0)

    def _mean_std(self) -> Tuple[torch.Tensor, torch.Tensor]:
        """The data preprocessor's normalisation (0-255 scale, RGB); the
        identity if it does not normalise."""
        dp = self.data_preprocessor
        if not getattr(dp, '_enable_normalize', False):
            one = (
                dp.mean.new_ones(1, 3, 1, 1)
                if hasattr(dp, 'mean')
                else torch.ones(1, 3, 1, 1)
            )
            return one * 0, one
        return dp.mean.view(1, 3, 1, 1), dp.std.view(1, 3, 1, 1)

    def to_input(self, img: torch.Tensor) -> torch.Tensor:
        """[0, 1] RGB images to the encoder's normalised input space."""
        mean, std = self._mean_std()
        return (img * 255.0 - mean) / std

    def to_unit(self, x: torch.Tensor) -> torch.Tensor:
        """Normalised inputs back to [0, 1] RGB (for the discriminator)."""
        mean, std = self._mean_std()
        return ((x * std + mean) / 255.0).clamp(0, 1)

    # ------------------------------------------------------------------
    # generation
    # ------------------------------------------------------------------
    def generate(
        self,
        rho: float,
        device: torch.device,
        num_single: Optional[int] = None,
        num_pairs: Optional[int] = None,
        generator: Optional[torch.Generator] = None,
    ) -> Dict[str, torch.Tensor]:
        """Generated images in [0, 1]: ``single`` (S x 3 x H x W) and
        ``pair_a``/``pair_b`` (P x 3 x H x W), for the sizes present."""
        num_single = self.num_single if num_single is None else num_single
        num_pairs = self.num_pairs if num_pairs is None else num_pairs
        out = {}
        if self.generator is not None and num_single:
            z = torch.randn(
                num_single, self.latent_dim, device=device, generator=generator
            )
            out['single'] = self.generator(z)
        if self.pair_generator is not None and num_pairs:
            z = torch.randn(
                num_pairs, self.latent_dim, device=device, generator=generator
            )
            out['pair_a'], out['pair_b'] = self.pair_generator(
                z, rho, generator
            )
        return out

    def generated_views(
        self,
        fake: Dict[str, torch.Tensor],
        generator: Optional[torch.Generator] = None,
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Two differentiably augmented views per generated sample, in the
        encoder's input space: a single image gives two views of itself, a
        pair one view of each member (a positive pair)."""
        firsts, seconds = [], []
        if 'single' in fake:
            firsts.append(fake['single'])
            seconds.append(fake['single'])
        if 'pair_a' in fake:
            firsts.append(fake['pair_a'])
            seconds.append(fake['pair_b'])
        v1 = self.diff_augment(torch.cat(firsts), generator)
        v2 = self.diff_augment(torch.cat(seconds), generator)
        return self.to_input(v1), self.to_input(v2)

    @contextlib.contextmanager
    def bare(self, names: Sequence[str]):
        """Children ``names`` without their DDP wrappers inside the block
        (MMSeparateDistributedDataParallel wraps each child). Modules that
        are frozen for a pass must not run through DDP, whose reducer would
        wait for gradients that never come."""
        wrapped = {
            n: self._modules[n]
            for n in names
            if is_model_wrapper(self._modules.get(n))
        }
        for n, m in wrapped.items():
            self._modules[n] = m.module
        try:
            yield
        finally:
            for n, m in wrapped.items():
                self._modules[n] = m

    @staticmethod
    @contextlib.contextmanager
    def frozen(modules: Sequence[nn.Module]):
        """Parameters of ``modules`` need no gradient inside the block."""
        params = [
            p for m in modules for p in m.parameters() if p.requires_grad
        ]
        for p in params:
            p.requires_grad_(False)
        try:
            yield
        finally:
            for p in params:
                p.requires_grad_(True)

    # ------------------------------------------------------------------
    # the algorithm-specific losses
    # ------------------------------------------------------------------
    def encoder_loss(
        self,
        real: List[torch.Tensor],
        generated: Tuple[torch.Tensor, torch.Tensor],
    ) -> torch.Tensor:
        """The encoder's loss on real plus generated pairs (step 4)."""
        raise NotImplementedError

    def generator_reward(
        self,
        real: List[torch.Tensor],
        generated: Tuple[torch.Tensor, torch.Tensor],
    ) -> torch.Tensor:
        """The encoder's contrastive loss that the generators raise (step
        3); no side effects on queues, momentum encoders or FT state."""
        raise NotImplementedError

    # ------------------------------------------------------------------
    # training
    # ------------------------------------------------------------------
    def train_step(
        self, data, optim_wrapper: OptimWrapperDict
    ) -> Dict[str, torch.Tensor]:
        if not isinstance(optim_wrapper, OptimWrapperDict) or not {
            'encoder',
            'generator',
            'discriminator',
        } <= set(optim_wrapper.keys()):
            raise TypeError(
                f'{type(self).__name__} trains with three optimizers: set '
                "optim_wrapper=dict(constructor='HSGOptimWrapperConstructor',"
                ' encoder=..., generator=..., discriminator=...) as in '
                'configs/selfsup/hsg_simclr_cifar10.py'
            )
        data = self.data_preprocessor(data, True)
        real = [x.detach() for x in data['inputs']]
        device = real[0].device
        size = self.out_size
        if tuple(real[0].shape[-2:]) != (size, size):
            raise ValueError(
                f'generator.out_size={size} must match the training crop '
                f'({tuple(real[0].shape[-2:])}); set model.generator.out_size'
                " to the views' size"
            )
        rho = self.current_similarity()
        disc = self.discriminator
        encoder = list(self.group_modules('encoder').values())

        # 1. generate (with gradients to the generators)
        fake = self.generate(rho, device)
        fake_imgs = torch.cat(list(fake.values()))
        gen_views = self.generated_views(fake)

        # 2. discriminator: real first views vs generated (detached)
        d_opt = optim_wrapper['discriminator']
        with d_opt.optim_context(disc):
            # One forward (DDP: one forward per backward).
            logits = disc(
                self.diff_augment(
                    torch.cat([self.to_unit(real[0]), fake_imgs.detach()])
                )
            )
            d_real, d_fake = logits.split([real[0].size(0), fake_imgs.size(0)])
            loss_disc = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
        d_opt.update_params(loss_disc)

        # 3. generators: harder for the encoder, realistic for D
        g_opt = optim_wrapper['generator']
        frozen = self.optim_groups()['encoder'] + ['discriminator']
        with (
            self.bare(frozen),
            self.frozen(encoder + [disc]),
            g_opt.optim_context(self.group_modules('generator')),
        ):
            reward = self.generator_reward(real, gen_views)
            realism = F.softplus(
                -self.discriminator(self.diff_augment(fake_imgs))
            ).mean()
            loss_gen = -self.hard_weight * reward + self.adv_weight * realism
        g_opt.update_params(loss_gen)

        # 4. encoder on real + generated samples
        e_opt = optim_wrapper['encoder']
        with e_opt.optim_context(self):
            loss = self.encoder_loss(
                real, tuple(v.detach() for v in gen_views)
            )
        e_opt.update_params(loss)

        log = dict(
            loss=loss.detach(),
            loss_disc=loss_disc.detach(),
            gen_reward=reward.detach(),
            gen_realism=realism.detach(),
            pair_rho=torch.tensor(rho),
        )
        if 'pair_a' in fake:
            with torch.no_grad():
                log['pair_sim'] = pair_similarity(
                    fake['pair_a'], fake['pair_b']
                ).mean()
        # This step calls no loss forward (FeatureTransformMixin.forward
        # advances FT there): advance FT here.
        self.ft.next_step()
        return log


def _unwrapped_keys(
    module: nn.Module, state_dict: dict, prefix: str, local_metadata: dict
) -> None:
    """State dict hook: ``backbone.module.x`` -> ``backbone.x`` for
    children wrapped by MMSeparateDistributedDataParallel, so checkpoints
    have the same keys with and without DDP (mmengine's loader unwraps
    children, the converter expects ``backbone.``)."""
    for name, child in module._modules.items():
        if not is_model_wrapper(child):
            continue
        old = f'{prefix}{name}.module.'
        for key in [k for k in state_dict if k.startswith(old)]:
            state_dict[f'{prefix}{name}.' + key[len(old) :]] = state_dict.pop(
                key
            )


def pair_similarity(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-pair cosine similarity of mean-centred images (N)."""
    a = a.flatten(1) - a.flatten(1).mean(1, keepdim=True)
    b = b.flatten(1) - b.flatten(1).mean(1, keepdim=True)
    return F.cosine_similarity(a, b, dim=1)
