# SimCLR reading of FT: simclr_ft_tiny.py with the partner detached inside
# the positive mix (a_hat = lam a + (1 - lam) sg(b)), as MoCo's key is in
# the official code (SimCLRFT detach_partner).
_base_ = 'simclr_ft_tiny.py'

model = dict(detach_partner=True)
