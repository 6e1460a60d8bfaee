# CPU-size LooC++ linear evaluation on the demo classes
# (_base_/loocpp_linear.py): frozen R18 + LooC neck; input from
# convert_ckpt.py --with-neck of a looc*_demo run.
_base_ = ['resnet18_linear_demo.py', '../../../_base_/loocpp_linear.py']

model = dict(**_base_.loocpp_model)
model['neck'] = dict(model['neck'], in_channels=512, hid_channels=512)
optim_wrapper = _base_.loocpp_optim_wrapper
