# LooC++ linear evaluation in the tiny regime (_base_/loocpp_linear.py):
# the frozen tiny backbone and LooC neck; input from tools/convert_ckpt.py
# --with-neck of a looc*_tiny run.
_base_ = ['resnet18w16_linear_tiny.py', '../../../_base_/loocpp_linear.py']

model = dict(**_base_.loocpp_model)
# the projector of looc_tiny.py (BN in eval mode = its SplitBN)
model['neck'] = dict(
    model['neck'],
    in_channels=_base_.tiny_feat_dim,
    hid_channels=512,
    norm_cfg=dict(type='BN1d'),
)
optim_wrapper = _base_.loocpp_optim_wrapper
