"""The downstream suite: few-shot episodes, corruptions, and a whole row
for a random backbone in seconds."""

import numpy as np
import pytest
import torch

from ftcl_mm.evaluation.corruptions import CORRUPTIONS, corrupt
from ftcl_mm.evaluation.suite import few_shot


def test_few_shot_separable_and_random():
    torch.manual_seed(0)
    centres = torch.randn(10, 32) * 5
    labels = torch.arange(10).repeat_interleave(30)
    feats = centres[labels] + torch.randn(300, 32) * 0.1
    assert few_shot(feats, labels, 5, 1, 15, 50)['mean'] == 100.0
    noise = few_shot(torch.randn(300, 32), labels, 5, 5, 15, 200)
    assert 12 < noise['mean'] < 28 and 0 < noise['ci95'] < 3  # chance 20
    with pytest.raises(ValueError, match='needs 5 classes of 36'):
        few_shot(feats, labels, 5, 1, 35, 10)


def test_corruptions_grow_with_severity():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
    for name in CORRUPTIONS:
        diffs = [
            np.abs(
                corrupt(img, name, s, np.random.default_rng(1)).astype(int)
                - img
            ).mean()
            for s in range(1, 6)
        ]
        assert diffs == sorted(diffs) and diffs[0] > 0, (name, diffs)
    with pytest.raises(ValueError, match='unknown corruption'):
        corrupt(img, 'fog', 1, rng)
    with pytest.raises(ValueError, match='severity must be 1-5'):
        corrupt(img, 'blur', 6, rng)


def test_suite_row_on_a_random_backbone(demo_data, tmp_path):
    """The whole suite through the tool, on the small test data."""
    import json

    from ..conftest import python_cli

    out = str(tmp_path / 'row.json')
    r = python_cli(
        'tools/benchmarks/downstream_suite.py',
        '--pretrained',
        'none',
        '--data-root',
        demo_data,
        '--episodes',
        '20',
        '--out',
        out,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    row = json.load(open(out))
    for task in ('coarse', 'colour', 'rotation', 'finegrained'):
        assert 0 <= row[f'{task}_knn'] <= 100
        assert 0 <= row[f'{task}_linear'] <= 100
    assert len([k for k in row if k.startswith('corruptions_')]) == 22
    assert 0 <= row['fewshot_5shot'] <= 100
