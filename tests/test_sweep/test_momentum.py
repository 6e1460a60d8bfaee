"""ftcl_mm.sweep.momentum: the options of each momentum's run (the study
end to end: tests/test_tools/test_momentum_study.py)."""

import pytest

from ftcl_mm.sweep.momentum import run, train_options
from ftcl_mm.utils.errors import UserInputError


def test_each_run_gets_its_momentum_then_the_users_options():
    opts = train_options(0.99, ['model.queue_len=64'], 'data/x', 5)
    # mmpretrain's momentum is 1 - m
    assert opts[:2] == ['model.momentum=0.01', 'model.queue_len=64']
    assert 'train_dataloader.dataset.data_root=data/x' in opts
    assert opts[-3:] == [
        'train_cfg.max_epochs=5',
        'param_scheduler.0.T_max=5',
        'param_scheduler.0.end=5',
    ]
    assert train_options(0.5) == ['model.momentum=0.5']


def test_a_missing_data_root_stops_before_any_run(tmp_path):
    with pytest.raises(UserInputError, match='does not exist'):
        run(str(tmp_path), str(tmp_path / 'w'), [0.9], data_root='/no/such')
    assert not (tmp_path / 'w').exists()
