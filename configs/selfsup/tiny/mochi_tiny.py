# MoCHi in the tiny regime: mocov2_tiny.py plus, per query, hard negatives
# mixed from its hardest queue keys. MoCHi(1024, 512, 256) on K=65536 mixes
# within the hardest 1.6 % of the queue; on the tiny K=512 that would be 8
# keys, so the proportions of the demo's MoCHi(64, 32, 16) on K=256 are kept
# instead: MoCHi(128, 64, 32), the hardest quarter, 1/8 and 1/16 of K as
# extra negatives. Mixing starts after 2 of 20 epochs (15 of 200 in the
# paper, rounded up).
_base_ = 'mocov2_tiny.py'

model = dict(
    type='MoCHi',
    num_hard=128,
    num_mix=64,
    num_query_mix=32,
    warmup_epochs=2,
)
