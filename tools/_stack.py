"""The stack guard: the first import of every Python tool.

A tool run by a Python without the project's stack (the system Python, a
bare virtualenv) would die in a traceback from its first ``ftcl_mm`` or
mmengine import; this module turns that into one line saying which
interpreter to use. It lives in ``tools/`` and is linked into each tools
subfolder, because Python puts only the script's own folder on
``sys.path``: nothing else of the project is importable before the check.

It also silences, for this process only, the ``pkg_resources`` deprecation
warning that mmengine/mmcv raise on import (the setuptools pin keeps
``pkg_resources``); it is noise to a user.
"""

import os.path as osp
import sys
import warnings

warnings.filterwarnings('ignore', message='pkg_resources is deprecated')

try:
    import mmengine  # noqa: F401
    import torch  # noqa: F401

    import ftcl_mm  # noqa: F401
except ModuleNotFoundError as e:  # not the project's Python: one line
    sys.stderr.write(
        f'{osp.basename(sys.argv[0])}: error: {e} in {sys.executable}; '
        'run the tools with the project interpreter .venv/bin/python '
        '(bash tools/setup_env.sh creates it)\n'
    )
    sys.exit(2)
