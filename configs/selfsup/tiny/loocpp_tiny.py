# LooC++ in the tiny regime: looc_tiny.py's training; downstream the
# concatenation of the three spaces (convert with --with-neck, evaluate with
# configs/benchmarks/classification/tiny/resnet18w16_loocpp_linear_tiny.py).
_base_ = 'looc_tiny.py'

model = dict(representation='concat')
