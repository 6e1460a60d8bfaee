# Hard Sample Generation on SimCLR, ImageNet-100 (paper: +4.0 linear top-1
# on IN-100), R50, 8 GPUs x 32 real images + 16 single-generator samples +
# 16 generated pairs per GPU, 224 px generators, 200 epochs.
#   tools/dist_train.sh configs/selfsup/hsg_simclr_in100.py 8
_base_ = ['simclr.py', '../_base_/hsg_default.py']

model = dict(
    type='HSGSimCLR',
    num_single=16,
    num_pairs=16,
    generator=dict(_base_.hsg_generator, out_size=224),
    discriminator=_base_.hsg_discriminator,
    **_base_.hsg_model,
)
train_dataloader = dict(dataset=dict(type='ImageNet100'))

# The method's optimizer trains the encoder; Adam the generators and D.
optim_wrapper = _base_.hsg_optim_groups
param_scheduler = dict(encoder=_base_.param_scheduler, **_base_.hsg_schedulers)
model_wrapper_cfg = _base_.hsg_model_wrapper_cfg
custom_hooks = [*_base_.custom_hooks, _base_.hsg_samples_hook]
