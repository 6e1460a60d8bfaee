# MoCHi(1024, 512, 256) (Kalantidis et al. 2020): MoCo v2 plus, per query,
# 512 mixes of two of its 1024 hardest queue negatives and 256 mixes of the
# (detached) query with one of them, appended as extra negatives and never
# enqueued. ImageNet-1k, R50, 8x32, 200 epochs; mixing starts after a
# 15-epoch warm-up.
#   tools/dist_train.sh configs/selfsup/mochi.py 8
_base_ = 'mocov2.py'

model = dict(
    type='MoCHi',
    num_hard=1024,
    num_mix=512,
    num_query_mix=256,
    warmup_epochs=15,
)
