"""Install ftcl_mm (``pip install -e .``).

The heavy, version-sensitive part of the stack (torch, mmcv with compiled
ops) is installed by ``tools/setup_env.sh``; here we declare the pure-Python
dependencies and pins that the package itself relies on.
"""

from setuptools import find_packages, setup

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
    install_requires=[
        'mmengine==0.10.7',
        'mmpretrain==1.2.0',
        'mmdet==3.3.0',
        'numpy<2',
        'opencv-python<4.11',
        'pycocotools',
        'matplotlib',
    ],
    extras_require={'tests': ['pytest']},
)
