"""ftcl_mm: Feature Transformation for contrastive learning on OpenMMLab.

Importing the package applies the compatibility layer (safe checkpoint
loading under ``torch.load(weights_only=True)``) and registers the
project's modules in the mmpretrain/mmdet registries. Configs load it with
``custom_imports=dict(imports=['ftcl_mm'], allow_failed_imports=False)``.
"""

import warnings

with warnings.catch_warnings():
    # mmengine/mmcv import pkg_resources (kept by the setuptools pin); its
    # deprecation warning says nothing actionable. Silenced for these
    # imports only: the user's warning filters stay as they were.
    warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
    from . import datasets, engine, models, visualization  # noqa: F401
    from .utils import compat  # noqa: F401  (before any checkpoint IO)

__version__ = '0.1.0'
