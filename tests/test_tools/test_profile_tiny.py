"""tools/performance/profile_tiny.py: every part is timed and reported."""

import json

from ..conftest import python_cli


def test_profile_reports_every_part(demo_data, tmp_path):
    out = tmp_path / 'profile.jsonl'
    r = python_cli(
        'tools/performance/profile_tiny.py',
        'configs/selfsup/demo/mocov2_ft_demo.py',
        '--samples',
        '4',
        '--steps',
        '1',
        '--json',
        str(out),
        '--cfg-options',
        f'train_dataloader.dataset.data_root={demo_data}/imagenet/',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
    )
    assert r.returncode == 0, r.stderr[-3000:]
    result = json.loads(out.read_text())
    pipe = result['pipeline_ms_per_image']
    assert pipe['views per image'] == 2
    assert 'LoadImageFromFile' in pipe and 'PackInputs' in pipe
    assert any(k.startswith('view: RandomResizedCrop') for k in pipe)
    compute = result['compute_ms']
    assert compute['step'] > compute['forward'] > 0
    assert compute['momentum encoder forward'] > 0  # MoCo's key encoder
    assert result['run_ms']['iteration'] > 0 and result['run_over_floor'] > 0
    assert '**run / compute floor**' in r.stdout
    # The recipe as data, as the book's cost page shows it.
    assert len(result['recipe_hash']) == 12
    assert result['provenance']['machine']['cores'] >= 1
    assert result['load_avg_1min'] >= 0
