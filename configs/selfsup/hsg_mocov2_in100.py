# Hard Sample Generation on MoCo v2, ImageNet-100, R50, 8 GPUs x 32 real
# images + 16 + 16 generated samples per GPU, K=16384, 200 epochs.
#   tools/dist_train.sh configs/selfsup/hsg_mocov2_in100.py 8
_base_ = ['mocov2_in100.py', '../_base_/hsg_default.py']

model = dict(
    type='HSGMoCo',
    num_single=16,
    num_pairs=16,
    generator=dict(_base_.hsg_generator, out_size=224),
    discriminator=_base_.hsg_discriminator,
    **_base_.hsg_model,
)

# The method's optimizer trains the encoder; Adam the generators and D.
optim_wrapper = _base_.hsg_optim_groups
param_scheduler = dict(encoder=_base_.param_scheduler, **_base_.hsg_schedulers)
model_wrapper_cfg = _base_.hsg_model_wrapper_cfg
custom_hooks = [*_base_.custom_hooks, _base_.hsg_samples_hook]
