# LooC++: LooC training (looc.py) whose downstream representation is the
# concatenation of all embedding spaces (extract_feat; convert with
# tools/convert_ckpt.py --with-neck and evaluate with
# configs/benchmarks/classification/*/*looc++*).
_base_ = 'looc.py'

model = dict(representation='concat')
