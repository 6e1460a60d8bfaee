"""Linear evaluation from a converted backbone, and the results summary."""

import json
import os.path as osp

from ..conftest import python_cli


def test_linear_eval_demo(demo_data, r18_backbone, tmp_path):
    backbone = r18_backbone
    work = str(tmp_path / 'lin')
    r = python_cli(
        'tools/train.py',
        'configs/benchmarks/classification/demo/resnet18_linear_demo.py',
        '--work-dir',
        work,
        '--pretrained',
        backbone,
        '--cfg-options',
        'train_cfg.max_epochs=1',
        'train_cfg.val_interval=1',
        env=dict(FTCL_DEMO_DATA=demo_data),
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    assert f'Loads checkpoint by local backend from path: {backbone}' in out
    summary = str(tmp_path / 'summary')
    r = python_cli(
        'tools/benchmarks/summarize.py',
        '--out',
        summary,
        '--note',
        'test run',
        f'linear={work}',
    )
    assert r.returncode == 0, r.stderr
    with open(summary + '.json') as f:
        data = json.load(f)
    acc = data['runs'][0]['metrics']['accuracy/top1']
    assert 0.0 <= acc <= 100.0
    assert data['runs'][0]['checkpoint'].endswith('epoch_1.pth')
    with open(summary + '.md') as f:
        md = f.read()
    assert '| linear | accuracy/top1 |' in md and 'test run' in md
    r = python_cli(
        'tools/benchmarks/summarize.py',
        '--out',
        summary,
        f'x={osp.join(work, "nope")}',
    )
    assert r.returncode == 2 and 'does not exist' in r.stderr


def test_run_seeds_reports_mean_and_std(demo_data, r18_backbone, tmp_path):
    backbone = r18_backbone
    work = str(tmp_path / 'seeds')
    r = python_cli(
        'tools/benchmarks/run_seeds.py',
        'configs/benchmarks/classification/demo/resnet18_linear_demo.py',
        '--pretrained',
        backbone,
        '--seeds',
        '0',
        '1',
        '--work-dir',
        work,
        '--cfg-options',
        'train_cfg.max_epochs=1',
        'train_cfg.val_interval=1',
        env=dict(FTCL_DEMO_DATA=demo_data),
    )
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    with open(osp.join(work, 'results.json')) as f:
        res = json.load(f)
    top1 = res['summary']['accuracy/top1']
    assert top1['n'] == 2 and len(top1['values']) == 2
    import statistics

    assert abs(top1['mean'] - statistics.fmean(top1['values'])) < 1e-9
    assert abs(top1['std'] - statistics.stdev(top1['values'])) < 1e-9
    assert set(res['per_seed']) == {'0', '1'}
    with open(osp.join(work, 'results.md')) as f:
        assert '| accuracy/top1 |' in f.read()


def test_summary_reads_knn_results(tmp_path):
    """A work dir holding knn_eval.py's --out knn.json is summarised as
    knn/top1_k{k} (the demo's kNN rows)."""
    work = tmp_path / 'knn_pretrained'
    work.mkdir()
    (work / 'knn.json').write_text(
        json.dumps(dict(train=50, val=10, top1={'20': 61.5, '200': 55.0}))
    )
    summary = str(tmp_path / 'summary')
    r = python_cli(
        'tools/benchmarks/summarize.py', '--out', summary, f'knn={work}'
    )
    assert r.returncode == 0, r.stderr
    with open(summary + '.json') as f:
        metrics = json.load(f)['runs'][0]['metrics']
    assert metrics == {'knn/top1_k20': 61.5, 'knn/top1_k200': 55.0}
    with open(summary + '.md') as f:
        assert '| knn | knn/top1_k20 | 61.5000 |' in f.read()
