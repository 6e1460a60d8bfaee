"""tools/studies/ft_fair_test.py: the order it runs the protocol in."""

import os.path as osp
import runpy
import sys
from unittest import mock

from ..conftest import ROOT

SCRIPT = osp.join(ROOT, 'tools/studies/ft_fair_test.py')


def _plan(*argv):
    with mock.patch.object(sys, 'path', [osp.dirname(SCRIPT), *sys.path]):
        tool = runpy.run_path(SCRIPT)
    return tool['plan'](tool['parse_args'](list(argv)))


def _describe(step):
    if step[0] == 'seed':
        return ('seed', step[2].key, step[3])
    cmd = step[1]
    variants = cmd[cmd.index('--variants') + 1 : cmd.index('--seeds')]
    seeds = cmd[cmd.index('--seeds') + 1 : cmd.index('--epochs')]
    return (cmd[cmd.index('--methods') + 1], tuple(variants), tuple(seeds))


def test_every_call_holds_all_seeds_so_runs_stay_side_by_side():
    steps = [
        _describe(s)
        for s in _plan(
            '--work-dir', 'W', '--blocks', 'mocov2', '--seeds', '1', '2'
        )
    ]
    assert steps == [
        ('mocov2', ('base',), ('1', '2')),
        ('seed', 'C', 1),
        ('seed', 'C', 2),
        ('seed', 'D', 1),
        ('seed', 'D', 2),
        ('mocov2', ('gate', 'start30'), ('1', '2')),
        ('mocov2', ('both', 'bounded', 'renorm', 'neg'), ('1', '2')),
        ('mocov2mlp', ('base', 'both'), ('1', '2')),
    ]
    # The base keeps every checkpoint: the prefix cells start from them.
    base_call = _plan('--work-dir', 'W', '--blocks', 'mocov2')[0][1]
    assert base_call[-2:] == [
        '--cfg-options',
        'default_hooks.checkpoint.max_keep_ckpts=-1',
    ]
