# CPU-size MoCHi on the demo data: MoCHi(64, 32, 16) on a 256-key queue,
# mixing from epoch 2.
_base_ = 'mocov2_demo.py'

model = dict(
    type='MoCHi', num_hard=64, num_mix=32, num_query_mix=16, warmup_epochs=2
)
