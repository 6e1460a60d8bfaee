"""ftcl_mm.utils.cli.positive_int: counts are checked by argparse, in its
one-line error form."""

import argparse

import pytest

from ftcl_mm.utils.cli import positive_int


def test_positive_int_accepts_counts_and_names_bad_ones():
    assert positive_int('3') == 3
    for bad in ('0', '-2', 'two', '1.5'):
        with pytest.raises(argparse.ArgumentTypeError, match=repr(bad)):
            positive_int(bad)
    p = argparse.ArgumentParser(prog='tool')
    p.add_argument('--jobs', type=positive_int)
    with pytest.raises(SystemExit):
        p.parse_args(['--jobs', '0'])
