"""Install ftcl_mm (``pip install -e .``).

The heavy, version-sensitive part of the stack (torch, mmcv with compiled
ops) is installed by ``tools/setup_env.sh``; here we declare the pure-Python
dependencies the package itself relies on, pinned from constraints.txt.
"""

import os.path as osp
import re

from setuptools import find_packages, setup


def pinned(*names: str) -> list:
    """Requirements with their pins from constraints.txt (the one place
    versions are written)."""
    path = osp.join(osp.dirname(osp.abspath(__file__)), 'constraints.txt')
    with open(path) as f:
        pins = {
            re.split('[=<>!~]', line)[0]: line.strip()
            for line in f
            if line.strip() and not line.startswith('#')
        }
    return [pins.get(n, n) for n in names]


setup(
    name='ftcl_mm',
    version='0.1.0',
    description=(
        'Feature Transformation for contrastive self-supervised '
        'learning on the OpenMMLab stack'
    ),
    python_requires='>=3.10,<3.12',
    packages=find_packages(include=['ftcl_mm', 'ftcl_mm.*']),
    package_data={'ftcl_mm': ['datasets/meta/*.txt']},
    install_requires=pinned(
        'mmengine',
        'mmpretrain',
        'mmdet',
        'numpy',
        'opencv-python',
        'pycocotools',
        'matplotlib',
    ),
    extras_require={'tests': ['pytest'], 'lint': pinned('ruff')},
)
