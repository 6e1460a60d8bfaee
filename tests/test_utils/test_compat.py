"""mmengine checkpoints load under weights_only; foreign objects do not."""

import os
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner.checkpoint import _load_checkpoint

import ftcl_mm  # noqa: F401  (applies the allow-list)


class _Foreign:
    """Any class not on the allow-list."""

    def __init__(self):
        self.x = 1


class _RunsCode:
    def __reduce__(self):
        return (os.system, ('echo should-not-run',))


class _GetattrChain:
    """``getattr(HistoryBuffer, '__init__')``: the first link of a chain to
    module globals; must be refused although HistoryBuffer is allowed."""

    def __reduce__(self):
        return (getattr, (HistoryBuffer, '__init__'))


def _message_hub_state() -> dict:
    hub = MessageHub.get_instance('compat-test')
    for i in range(3):
        hub.update_scalar('train/loss', float(i))
    hub.update_info('iter', 3)
    return hub.state_dict()


def test_training_checkpoint_loads_with_weights_only(tmp_path):
    path = str(tmp_path / 'ckpt.pth')
    ckpt = dict(
        meta=dict(epoch=1, iter=3, seed=np.int64(5)),
        state_dict=dict(w=torch.ones(2)),
        message_hub=_message_hub_state(),
        extra=np.arange(3, dtype=np.float32),
    )
    torch.save(ckpt, path)
    loaded = torch.load(path, weights_only=True)
    buf = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buf, HistoryBuffer)
    assert buf.mean() == pytest.approx(1.0)
    assert buf.statistics('current') == 2.0
    assert loaded['meta']['seed'] == 5
    np.testing.assert_array_equal(loaded['extra'], np.arange(3))
    # The path mmengine itself uses for resume / load_from / Pretrained.
    assert _load_checkpoint(path, map_location='cpu')['meta']['iter'] == 3


@pytest.mark.parametrize(
    'obj',
    [_Foreign(), _RunsCode(), _GetattrChain()],
    ids=['foreign-class', 'os.system', 'getattr-chain'],
)
def test_foreign_objects_are_refused(tmp_path, obj):
    path = str(tmp_path / 'evil.pth')
    torch.save(dict(state_dict={}, payload=obj), path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)
    with pytest.raises(pickle.UnpicklingError):
        _load_checkpoint(path, map_location='cpu')


def test_restricted_getattr_only_resolves_statistics():
    from ftcl_mm.utils.compat import _history_buffer_getattr

    assert _history_buffer_getattr(HistoryBuffer, 'mean') is HistoryBuffer.mean
    with pytest.raises(pickle.UnpicklingError):
        _history_buffer_getattr(HistoryBuffer, '__init__')
    with pytest.raises(pickle.UnpicklingError):
        _history_buffer_getattr(os, 'system')
