# CPU-size Hard Sample Generation on MoCo v2, demo data (see
# hsg_simclr_demo.py).
_base_ = ['mocov2_demo.py', '../../_base_/hsg_default.py']

model = dict(
    type='HSGMoCo',
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
