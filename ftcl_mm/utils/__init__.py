"""Utilities: torch/mmengine compatibility and training set-up."""
