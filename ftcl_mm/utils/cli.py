"""How the command-line tools end: one line for a user's mistake.

``run_main`` calls a tool's ``main``; a :class:`UserInputError` (also when
a DataLoader worker raised it) becomes ``<tool>: error: <message>`` on
stderr and exit code 2, without a traceback. ``--debug`` on the command
line or ``FTCL_DEBUG=1`` in the environment re-raises it instead, with the
full traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, List, Optional

from .errors import UserInputError


def debug_requested(argv: Optional[List[str]] = None) -> bool:
    argv = sys.argv[1:] if argv is None else argv
    return '--debug' in argv or os.environ.get('FTCL_DEBUG', '') not in (
        '',
        '0',
    )


def one_line(error: BaseException) -> str:
    """The user-facing line of ``error``.

    An exception re-raised by a DataLoader worker carries the worker's
    whole traceback in its message; its last line holds the original
    message.
    """
    text = str(error).strip()
    name = type(error).__name__
    if text.startswith(f'Caught {name}'):
        last = text.splitlines()[-1]
        text = last.split(f'{name}: ', 1)[-1]
    return ' '.join(text.split())


def run_main(
    prog: str,
    main: Callable[[Optional[List[str]]], int],
    argv: Optional[List[str]] = None,
) -> int:
    """Run ``main(argv)``; turn a user's mistake into one line, exit 2."""
    try:
        return main(argv)
    except UserInputError as e:
        if debug_requested(argv):
            raise
        print(f'{prog}: error: {one_line(e)}', file=sys.stderr)
        return 2


def _checked_dict_action() -> type:
    """mmengine's ``DictAction`` that reports an item without ``=`` in one
    line (``<tool>: error: ...``, exit 2) instead of a ValueError
    traceback."""
    from mmengine.config import DictAction

    class CheckedDictAction(DictAction):
        def __call__(self, parser, namespace, values, option_string=None):
            for kv in values or ():
                key = kv.split('=', 1)[0]
                if '=' not in kv or not key:
                    parser.exit(
                        2,
                        f'{parser.prog}: error: {option_string}: {kv!r} is '
                        f'not KEY=VALUE; write e.g. {option_string} '
                        'train_dataloader.batch_size=8\n',
                    )
            super().__call__(parser, namespace, values, option_string)

    return CheckedDictAction


def add_cfg_options(
    parser: argparse.ArgumentParser,
    help: str = 'override config entries, e.g. '
    'train_dataloader.batch_size=8 model.backbone.depth=18',
    flag: str = '--cfg-options',
) -> None:
    """The ``--cfg-options key=value ...`` argument, parsed by mmengine's
    ``DictAction`` into a dict for ``Config.merge_from_dict``."""
    parser.add_argument(
        flag,
        nargs='+',
        action=_checked_dict_action(),
        default={},
        metavar='KEY=VALUE',
        help=help,
    )


def positive_int(text: str) -> int:
    """argparse ``type`` of counts (jobs, threads, GPUs, epochs): an
    integer >= 1, else argparse's one-line error naming the option."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f'must be an integer >= 1, got {text!r}'
        )
    return value


def seed(text: str) -> int:
    """argparse ``type`` of a random seed: an integer in [0, 2**32)
    (numpy's range), else argparse's one-line error."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(
            f'must be an integer in [0, 2**32), got {text!r}'
        )
    return value


class UniqueValues(argparse.Action):
    """``nargs='+'`` whose values must differ (``--seeds 0 0`` would run
    one seed twice, side by side into the same folders, and count it
    once)."""

    def __call__(self, parser, namespace, values, option_string=None):
        seen = set()
        for v in values:
            if v in seen:
                parser.error(
                    f'argument {option_string}: {v} is listed twice; list '
                    'each value once'
                )
            seen.add(v)
        setattr(namespace, self.dest, list(values))


def add_seeds(parser: argparse.ArgumentParser, default, help: str) -> None:
    """The ``--seeds`` option of the studies: distinct seeds >= 0."""
    parser.add_argument(
        '--seeds',
        type=seed,
        nargs='+',
        default=default,
        action=UniqueValues,
        help=help,
    )
