"""kNN evaluation: the voting rule on known features, and the CLI."""

import json

import torch

from ftcl_mm.evaluation import knn_top1

from ..conftest import python_cli


def test_weighted_voting_on_known_features():
    train = torch.tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    train = torch.nn.functional.normalize(train, dim=1)
    labels = torch.tensor([0, 0, 1, 1])
    val = torch.nn.functional.normalize(
        torch.tensor([[1.0, 0.2], [0.2, 1.0]]), dim=1
    )
    assert (
        knn_top1(train, labels, val, torch.tensor([0, 1]), 2, 0.07, 2) == 100.0
    )
    assert (
        knn_top1(train, labels, val, torch.tensor([1, 0]), 2, 0.07, 2) == 0.0
    )
    # Weighting: the one very close neighbour of class 1 outvotes two far
    # ones of class 0 at a low temperature.
    train2 = torch.nn.functional.normalize(
        torch.tensor([[1.0, 0.0], [0.6, 0.8], [0.6, -0.8]]), dim=1
    )
    assert (
        knn_top1(
            train2,
            torch.tensor([1, 0, 0]),
            torch.tensor([[1.0, 0.0]]),
            torch.tensor([1]),
            3,
            0.07,
            2,
        )
        == 100.0
    )


def test_cli(demo_data, r18_backbone, tmp_path):
    backbone = r18_backbone
    out = str(tmp_path / 'knn.json')
    r = python_cli(
        'tools/benchmarks/knn_eval.py',
        'configs/benchmarks/classification/demo/resnet18_linear_demo.py',
        '--pretrained',
        backbone,
        '--k',
        '1',
        '5',
        '--linear',
        '--out',
        out,
        env=dict(FTCL_DEMO_DATA=demo_data),
    )
    assert r.returncode == 0, r.stderr[-2000:]
    with open(out) as f:
        res = json.load(f)
    assert res['train'] == 32 and res['val'] == 8
    assert set(res['top1']) == {'1', '5'}
    assert all(0 <= v <= 100 for v in res['top1'].values())
    assert 0 <= res['linear_top1'] <= 100
    # R18: 512-d features; 32 images span at most 32 directions.
    assert res['feature_dim'] == 512
    assert 1 <= res['effective_rank'] <= 32
    assert 'linear probe on cached features' in r.stdout
    assert 'effective rank of the train features' in r.stdout
    r = python_cli(
        'tools/benchmarks/knn_eval.py',
        'configs/benchmarks/classification/demo/resnet18_linear_demo.py',
        '--pretrained',
        str(tmp_path / 'missing.pth'),
        env=dict(FTCL_DEMO_DATA=demo_data),
    )
    assert r.returncode == 2 and 'convert_ckpt.py' in r.stderr
