"""Thread counts: env precedence, per-process split, clear errors."""

import os

import pytest
import torch

from ftcl_mm.utils import threads


@pytest.fixture
def clean_env(monkeypatch):
    for name in ('FTCL_THREADS', 'OMP_NUM_THREADS', 'LOCAL_WORLD_SIZE'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(threads, 'usable_cores', lambda: 8)
    before = torch.get_num_threads()
    yield monkeypatch
    torch.set_num_threads(before)


def test_cores_split_between_processes(clean_env):
    assert threads.default_threads() == 8
    assert threads.default_threads(processes=2) == 4
    assert threads.default_threads(processes=16) == 1
    clean_env.setenv('LOCAL_WORLD_SIZE', '4')  # torchrun, 4 ranks
    assert threads.default_threads() == 2


def test_env_precedence(clean_env):
    clean_env.setenv('OMP_NUM_THREADS', '3')
    assert threads.default_threads(processes=2) == 3
    clean_env.setenv('FTCL_THREADS', '5')
    assert threads.default_threads(processes=2) == 5


@pytest.mark.parametrize('value', ['two', '0', '-1'])
def test_bad_env_is_a_clear_error(clean_env, value):
    clean_env.setenv('FTCL_THREADS', value)
    with pytest.raises(ValueError, match='FTCL_THREADS'):
        threads.default_threads()


def test_configure_sets_torch_and_exports(clean_env):
    clean_env.setenv('FTCL_THREADS', '1')
    assert threads.configure_threads() == 1
    assert torch.get_num_threads() == 1
    assert os.environ['OMP_NUM_THREADS'] == '1'
