"""Datasets, transforms and the demo data generator."""
from .demo_data import DEMO_CLASSES, DemoDataSpec, generate_demo_data
from .imagenet100 import ImageNet100, load_wnids
from .inaturalist import INaturalist2018

__all__ = ['DEMO_CLASSES', 'DemoDataSpec', 'generate_demo_data', 'ImageNet100',
    'load_wnids', 'INaturalist2018']
