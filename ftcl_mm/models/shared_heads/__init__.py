"""mmdet RoI shared heads (imported by detection configs through
``custom_imports``, so that ``import ftcl_mm`` does not import mmdet)."""

from .width_res_layer import WidthResLayer

__all__ = ['WidthResLayer']
