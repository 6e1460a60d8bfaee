# Hard Sample Generation on simclr_tiny.py: per step the 256 real images'
# views plus 32 single-generator samples and 32 generated pairs (the
# paper's 32 real + 16 + 16 per GPU halved: the generators and the
# discriminator run on the same 2 CPU cores), DCGAN generators at the
# regime's 64 px (latent 64, base 16 channels, as the demo), a sample grid
# every 100 iterations.
_base_ = ['simclr_tiny.py', '../../_base_/hsg_default.py']

model = dict(
    type='HSGSimCLR',
    num_single=32,
    num_pairs=32,
    generator=_base_.hsg_cpu_generator,
    discriminator=_base_.hsg_cpu_discriminator,
    **_base_.hsg_model,
)
# The method's optimizer trains the encoder; Adam the generators and D.
optim_wrapper = _base_.hsg_optim_groups
param_scheduler = dict(encoder=_base_.param_scheduler, **_base_.hsg_schedulers)
model_wrapper_cfg = _base_.hsg_model_wrapper_cfg
custom_hooks = [
    *_base_.custom_hooks,
    dict(_base_.hsg_samples_hook, interval=100),
]
