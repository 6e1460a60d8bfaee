# SimCLR on CIFAR-100 (the CIFAR-10 recipe on data/cifar100/cifar-100-python),
# the baseline of hsg_simclr_cifar100.py.
_base_ = 'simclr_cifar10.py'

model = dict(
    data_preprocessor=dict(
        mean=[129.304, 124.070, 112.434], std=[68.170, 65.392, 70.418]
    )
)
train_dataloader = dict(
    dataset=dict(type='CIFAR100', data_root='data/cifar100/')
)
