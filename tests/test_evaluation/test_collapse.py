"""The collapse alarm on recorded score statistics of the tiny regime
(20 epochs, 380 iterations, seed 0; encoder scores before FT): silent on
learning runs, one line with the iteration on collapsed ones."""

import csv
import math
import os.path as osp

import pytest

from ftcl_mm.evaluation.collapse import CollapseAlarm

DATA = osp.join(osp.dirname(osp.dirname(__file__)), 'data', 'score_stats')


def _replay(name, **kw):
    alarm = CollapseAlarm(**kw)
    messages = []
    with open(osp.join(DATA, name)) as f:
        for row in csv.DictReader(f):
            message = alarm.update({k: float(v) for k, v in row.items()})
            if message:
                messages.append(message)
    return alarm, messages


@pytest.mark.parametrize(
    'name', ['simclr_tiny_seed0.csv', 'mocov2_tiny_seed0.csv']
)
def test_learning_runs_stay_silent(name):
    alarm, messages = _replay(name)
    assert messages == [] and alarm.fired_at is None


def test_warmup_is_needed():
    # MoCo v2's first iterations look unseparated (a random network scores
    # every pair alike; the gap passes 0.05 only after ~15 iterations):
    # without the warm-up the alarm would fire on a run that learns.
    alarm, early = _replay('mocov2_tiny_seed0.csv', warmup=0, window=5)
    assert alarm.fired_at == 5 and len(early) == 1


@pytest.mark.parametrize(
    'name, at, kind',
    [
        # Right after the warm-up (50) and one window (20).
        ('simclr_ft_tiny_seed0.csv', 70, 'complete collapse'),
        # Its gap dips below 0.05 only at iteration 99 for good.
        ('mocov2_ft_tiny_seed0.csv', 118, 'no separation'),
    ],
)
def test_collapsed_runs_fire_once(name, at, kind):
    alarm, messages = _replay(name)
    assert len(messages) == 1, messages
    assert alarm.fired_at == at
    assert f'possible collapse at iteration {alarm.fired_at}:' in messages[0]
    assert kind in messages[0]


def test_nan_rows_and_recovery_reset_the_window():
    alarm = CollapseAlarm(window=3, warmup=0)
    row = dict(pos_mean=0.5, neg_mean=0.49, neg_var=0.001)
    assert alarm.update(dict(row, iter=1)) is None
    assert alarm.update(dict(row, iter=2, neg_var=math.nan)) is None
    assert alarm.update(dict(row, iter=3)) is None
    assert alarm.update(dict(row, iter=4, pos_mean=0.9)) is None  # separated
    assert alarm.update(dict(row, iter=5)) is None
    assert alarm.update(dict(row, iter=6)) is None
    assert 'iteration 7:' in alarm.update(dict(row, iter=7))
    assert alarm.update(dict(row, iter=8)) is None  # once only
