# Hard Sample Generation on SimCLR, CIFAR-100 (paper: +3.5 linear top-1):
# the CIFAR-10 recipe (hsg_simclr_cifar10.py) on simclr_cifar100.py's data.
_base_ = 'hsg_simclr_cifar10.py'

model = dict(
    data_preprocessor=dict(
        mean=[129.304, 124.070, 112.434], std=[68.170, 65.392, 70.418]
    )
)
train_dataloader = dict(
    dataset=dict(type='CIFAR100', data_root='data/cifar100/')
)
