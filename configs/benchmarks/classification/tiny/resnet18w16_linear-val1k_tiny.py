# The tiny linear evaluation on the 1000 val images (+-1.6 points binomial
# error at 50 %): the evaluation of the tables measured before the 10,000
# held-out images became the regime's (resnet18w16_linear_tiny.py).
_base_ = ['resnet18w16_linear_tiny.py']

val_dataloader = dict(
    dataset=dict(ann_file='meta/val.txt', data_prefix='val'),
)
test_dataloader = val_dataloader
