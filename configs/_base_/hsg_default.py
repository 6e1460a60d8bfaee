# Hard Sample Generation (Wu et al. 2022) defaults, our choices where the
# paper gives none (docs/siblings.md, "Hard Sample Generation"). Names are
# prefixed ``hsg_`` so this file can be a second base beside a method
# config.
#
# Generators: DCGAN-style (noise 128 -> image at the training resolution),
# Adam 2e-4, betas (0.5, 0.999), constant lr; discriminator likewise.
# Pair generators: noise correlation rho from 1.0 (identical inputs) to 0.5
# over training, linearly. Generator loss: -1.0 * contrastive reward +
# 1.0 * non-saturating GAN loss.
hsg_generator = dict(latent_dim=128, base_channels=64)  # + out_size
hsg_discriminator = dict(base_channels=64)
# CPU size (demo and tiny configs, 64 px): small generators and D.
hsg_cpu_generator = dict(out_size=64, latent_dim=64, base_channels=16)
hsg_cpu_discriminator = dict(base_channels=16)
hsg_model = dict(
    augment=dict(
        scale=(0.2, 1.0),
        flip_prob=0.5,
        jitter=0.4,
        jitter_prob=0.8,
        gray_prob=0.2,
    ),
    similarity=dict(start=1.0, end=0.5, kind='linear'),
    hard_weight=1.0,
    adv_weight=1.0,
)
hsg_adam = dict(
    type='OptimWrapper',
    optimizer=dict(type='Adam', lr=2e-4, betas=(0.5, 0.999)),
)
# Merged into the method's optim_wrapper, which stays the encoder's.
hsg_optim_groups = dict(
    constructor='HSGOptimWrapperConstructor',
    generator=hsg_adam,
    discriminator=hsg_adam,
)
# The method's schedule drives the encoder's optimizer (set ``encoder=`` to
# it); generators and D keep a constant lr.
hsg_schedulers = dict(_delete_=True, generator=[], discriminator=[])
hsg_samples_hook = dict(type='HSGSamplesHook', interval=1000, num_rows=8)
# Separate DDP per module: the model runs its own 3-optimizer train_step.
hsg_model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False,
)
