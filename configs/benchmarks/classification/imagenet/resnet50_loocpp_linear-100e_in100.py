# LooC++ linear evaluation on ImageNet-100 (_base_/loocpp_linear.py): the
# frozen R50 and LooC neck, only the linear head trains.
#   python tools/convert_ckpt.py work_dirs/loocpp/epoch_500.pth \
#       r50_looc_spaces.pth --with-neck
#   tools/dist_train.sh configs/benchmarks/classification/imagenet/\
#       resnet50_loocpp_linear-100e_in100.py 8 --pretrained r50_looc_spaces.pth
_base_ = ['resnet50_linear-100e_in100.py', '../../../_base_/loocpp_linear.py']

model = dict(**_base_.loocpp_model)
model['neck'] = dict(model['neck'], in_channels=2048, hid_channels=2048)
optim_wrapper = _base_.loocpp_optim_wrapper
