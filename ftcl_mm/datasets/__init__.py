"""Datasets, transforms and the demo data generator."""
from .demo_data import DEMO_CLASSES, DemoDataSpec, generate_demo_data

__all__ = ['DEMO_CLASSES', 'DemoDataSpec', 'generate_demo_data']
