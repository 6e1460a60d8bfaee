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
    # A suite row: metrics, no checkpoint.
    suite = tmp_path / 'suite'
    suite.mkdir()
    (suite / 'suite.json').write_text(
        json.dumps({'coarse_knn': 50.0, 'fewshot_5shot': 40.0})
    )
    r = python_cli(
        'tools/benchmarks/summarize.py',
        '--out',
        summary,
        '--note',
        'test run',
        '--stage',
        'pretrain=12',
        '--stage',
        'linear=3.5',
        f'linear={work}',
        f'suite={suite}',
    )
    assert r.returncode == 0, r.stderr
    with open(summary + '.json') as f:
        data = json.load(f)
    assert data['stages'] == [
        dict(name='pretrain', seconds=12.0),
        dict(name='linear', seconds=3.5),
    ]
    acc = data['runs'][0]['metrics']['accuracy/top1']
    assert 0.0 <= acc <= 100.0
    assert data['runs'][0]['checkpoint'].endswith('epoch_1.pth')
    with open(summary + '.md') as f:
        md = f.read()
    assert '| linear | accuracy/top1 |' in md and 'test run' in md
    assert '| suite | suite/fewshot_5shot | 40.0000 |' in md
    # The artifacts table lists the checkpoints there are, not "None".
    assert '| linear | `' in md and 'None' not in md
    assert 'per step: pretrain 12 s · linear 4 s (total 16 s)' in md
    r = python_cli(
        'tools/benchmarks/summarize.py',
        '--out',
        summary,
        '--stage',
        'pretrain',
        f'linear={work}',
    )
    assert r.returncode == 2
    assert "--stage 'pretrain' is not NAME=SECONDS" in r.stderr
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


def test_summary_reads_detection_pairs_against_stored_noise(tmp_path):
    """The demo's --noise: the pairs' lead beside the detector-seed std
    stored at their setting, and no reading at another setting."""
    from ftcl_mm.sweep.det_table import (
        demo_pretrain_options,
        det_schedule_options,
    )

    runs = []
    for name, ap50 in (('voc_pretrained', 0.40), ('voc_random', 0.30)):
        vis = tmp_path / name / '20260101_000000' / 'vis_data'
        vis.mkdir(parents=True)
        row = {'pascal_voc/AP50': ap50, 'pascal_voc/mAP': ap50 / 2}
        (vis / 'scalars.json').write_text(json.dumps(row) + '\n')
        runs.append(f'{name}={tmp_path / name}')
    dets = [
        {'row': r, 'detector': 'voc', 'seed': s, 'VOC AP50': v, 'VOC AP': v}
        for s in range(3)
        for r, v in (('random', 0.30 + s / 100), ('simclr', 0.38 + s / 100))
    ]
    noise = tmp_path / 'noise.json'
    noise.write_text(
        json.dumps(
            dict(
                seeds=[0, 1, 2],
                pretrain_options=demo_pretrain_options(8),
                det_options=det_schedule_options(160),
                detectors=dets,
            )
        )
    )
    summary = str(tmp_path / 'summary')
    common = ['--out', summary, *runs, '--noise', str(noise), '--epochs', '8']
    r = python_cli(
        'tools/benchmarks/summarize.py', *common, '--det-iters', '160'
    )
    assert r.returncode == 0, r.stderr
    ap50 = next(x for x in r.stdout.splitlines() if '| VOC AP50 |' in x)
    assert '| 40.0 | 30.0 | +10.0 | 1.0 / 1.0 | +8.00 ± 0.00 |' in ap50
    assert ap50.endswith('| ahead by more than the seed std |')
    r = python_cli(
        'tools/benchmarks/summarize.py', *common, '--det-iters', '320'
    )
    assert r.returncode == 0, r.stderr
    assert 'not measured at this setting' in r.stdout
    assert '| VOC AP50 |' not in r.stdout
