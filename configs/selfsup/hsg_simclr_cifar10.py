# Hard Sample Generation on SimCLR, CIFAR-10 (paper: +2.6 linear top-1):
# simclr_cifar10.py plus, per step, 64 single-generator samples and 64
# generated pairs beside the 512 real images, 32 px generators.
#   python tools/train.py configs/selfsup/hsg_simclr_cifar10.py
_base_ = ['simclr_cifar10.py', '../_base_/hsg_default.py']

model = dict(
    type='HSGSimCLR',
    num_single=64,
    num_pairs=64,
    generator=dict(_base_.hsg_generator, out_size=32),
    discriminator=_base_.hsg_discriminator,
    **_base_.hsg_model,
)
# The method's optimizer trains the encoder; Adam the generators and D.
optim_wrapper = _base_.hsg_optim_groups
param_scheduler = dict(encoder=_base_.param_scheduler, **_base_.hsg_schedulers)
model_wrapper_cfg = _base_.hsg_model_wrapper_cfg
custom_hooks = [*_base_.custom_hooks, _base_.hsg_samples_hook]
