"""Datasets, transforms and the demo data generator."""

from .demo_data import DEMO_CLASSES, DemoDataSpec, generate_demo_data
from .few_shot import FewShotDataset
from .fraction import ClassFractionDataset
from .imagenet100 import ImageNet100, load_wnids
from .inaturalist import INaturalist2018
from .reproducible import (
    EpochSeededSampler,
    ReproducibleDataset,
    UnreadableImageError,
)
from .transforms import LooCMultiView, RandomRot90, RotationWithLabel

__all__ = [
    'DEMO_CLASSES',
    'DemoDataSpec',
    'generate_demo_data',
    'ImageNet100',
    'load_wnids',
    'INaturalist2018',
    'FewShotDataset',
    'ClassFractionDataset',
    'LooCMultiView',
    'RandomRot90',
    'RotationWithLabel',
    'EpochSeededSampler',
    'ReproducibleDataset',
    'UnreadableImageError',
]
