"""Self-supervised algorithms, one per file, registered in mmpretrain."""

from .byol_ft import BYOLFT
from .ft_mixin import FeatureTransformMixin
from .hsg_moco import HSGMoCo
from .hsg_simclr import HSGSimCLR
from .looc import LooC
from .mochi import MoCHi, mix_hard_negatives
from .moco_ft import MoCoFT
from .simclr_ft import SimCLRFT
from .simsiam_ft import SimSiamFT

__all__ = [
    'MoCoFT',
    'SimCLRFT',
    'SimSiamFT',
    'BYOLFT',
    'MoCHi',
    'mix_hard_negatives',
    'LooC',
    'HSGSimCLR',
    'HSGMoCo',
    'FeatureTransformMixin',
]
