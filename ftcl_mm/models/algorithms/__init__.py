"""Self-supervised algorithms, one per file, registered in mmpretrain."""
from .byol_ft import BYOLFT
from .moco_ft import MoCoFT
from .simclr_ft import SimCLRFT
from .simsiam_ft import SimSiamFT

__all__ = ['MoCoFT', 'SimCLRFT', 'SimSiamFT', 'BYOLFT']
