# CPU-size Hard Sample Generation on SimCLR, demo data: R18 at 64 px, 16
# real images + 4 single-generator samples + 4 generated pairs per step,
# small generators (base 16 channels); a sample grid every 10 iterations.
_base_ = ['simclr_demo.py', '../../_base_/hsg_default.py']

model = dict(
    type='HSGSimCLR',
    num_single=4,
    num_pairs=4,
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
    dict(_base_.hsg_samples_hook, interval=10),
]
