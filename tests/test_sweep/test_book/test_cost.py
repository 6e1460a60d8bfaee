"""The cost page: the latest measurement per config and options, with
its provenance, rendered by the measuring tool's own table."""

import json
import os

import pytest

from ftcl_mm.sweep.book.cost import COST_DIR, cost_page, records
from ftcl_mm.utils.errors import UserInputError


def _det_record(step_ms, options=None, commit='abc1234def'):
    return dict(
        config='configs/det.py',
        options=options or {},
        threads=1,
        batch=8,
        val_batch=8,
        pipeline_train_ms={'LoadImageFromFile': 0.4, 'total': 0.4},
        pipeline_test_ms={'LoadImageFromFile': 0.3, 'total': 0.3},
        train_step_ms=step_ms,
        train_forward_ms=step_ms / 3,
        train_parts_ms={'backbone': 10.0},
        test_step_ms=50.0,
        test_parts_ms={'backbone': 5.0},
        proposals_per_image=100,
        metric_ms_per_image=1.5,
        provenance=dict(
            commit=commit,
            date='2026-12-07T10:00:00+0000',
            machine=dict(cores=2, cpu='CPU X', torch='2.x'),
        ),
        recipe_hash='0123456789ab',
        load_avg_1min=0.1,
    )


def _store(tmp_path, tool, recs):
    os.makedirs(tmp_path / COST_DIR, exist_ok=True)
    with open(tmp_path / COST_DIR / f'{tool}.jsonl', 'w') as f:
        for r in recs:
            f.write(json.dumps(r) + '\n')
    return str(tmp_path)


def test_latest_record_per_config_and_options(tmp_path):
    store = _store(
        tmp_path,
        'profile_det',
        [
            _det_record(300.0, commit='old0000'),
            _det_record(
                200.0, options={'model.x': 1}, commit='abc1234def+dirty'
            ),
            _det_record(100.0, commit='new1111'),
        ],
    )
    page = cost_page(store)
    assert '| **train floor: train_step** | **100** | step of 8 |' in page
    assert '**300**' not in page  # superseded by the later record
    assert '| **train floor: train_step** | **200** |' in page
    assert '### `configs/det.py` with `model.x=1`' in page
    assert 'commit new1111, recipe 0123456789ab' in page
    # Measured with uncommitted changes: the page says so.
    assert 'commit abc1234+dirty, recipe' in page
    machine = '2 cores CPU X, torch 2.x, 1 thread(s), 1-min load average 0.1 '
    assert machine in page
    assert '1 earlier record(s)' in page
    # No profile_tiny measurement: says how to record one.
    assert 'No measurement stored; `python tools/performance/' in page
    assert cost_page(store) == page  # deterministic


def test_a_broken_line_is_one_error(tmp_path):
    store = _store(tmp_path, 'profile_det', [_det_record(1.0)])
    with open(tmp_path / COST_DIR / 'profile_det.jsonl', 'a') as f:
        f.write('{"config": \n')
    with pytest.raises(UserInputError, match=r'profile_det.jsonl:2 is not'):
        records(store, 'profile_det')
