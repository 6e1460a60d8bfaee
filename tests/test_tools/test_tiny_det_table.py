"""tools/studies/tiny_det_table.py: the table from finished runs (a
real table is hours of CPU: docs/transfer.md; its steps -- train.py,
convert_ckpt.py, knn_eval.py -- are tested on their own)."""

import json
import os

from ..conftest import tool_in_process

TOOL = 'tools/studies/tiny_det_table.py'


def _put(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f)


def test_table_pairs_gains_by_detector_seed(tmp_path):
    work = tmp_path / 'table'
    (tmp_path / 'data' / 'tiny_det').mkdir(parents=True)
    knn = dict(top1={'20': 30.0}, linear_top1=20.0)
    for row in ('random', 'mocov2'):
        bb = work / 'backbones' / row
        _put(str(bb / 'knn.json'), knn)
        _put(
            str(bb / 'result.json'),
            dict(
                row=row,
                backbone='none' if row == 'random' else str(bb / 'b.pth'),
                knn_top1=50.0 if row == 'mocov2' else 25.0,
                linear_top1=45.0 if row == 'mocov2' else 15.0,
            ),
        )
    # VOC AP50: random .30 / .40 (seed noise), MoCo v2 +.05 on each seed.
    for seed, (rand, moco) in enumerate([(0.30, 0.35), (0.40, 0.45)]):
        for row, ap50 in (('random', rand), ('mocov2', moco)):
            _put(
                str(work / 'voc' / row / f'seed{seed}' / 'result.json'),
                {
                    'row': row,
                    'detector': 'voc',
                    'seed': seed,
                    'VOC AP50': ap50,
                    'VOC AP': ap50 / 2,
                    'wall_s': 100.0 + seed,
                    'options': [],
                },
            )
    r = tool_in_process(
        TOOL,
        '--work-dir',
        str(work),
        '--rows',
        'random',
        'mocov2',
        '--seeds',
        '0',
        '1',
        '--detectors',
        'voc',
        '--data-root',
        str(tmp_path / 'data'),
    )
    assert r.returncode == 0, r.stderr
    md = (work / 'results.md').read_text()
    row = next(x for x in md.splitlines() if x.startswith('| mocov2 |'))
    # Means differ by 5 with a seed std of 7, yet the paired gain is
    # exactly +5 on both seeds: a gain beyond 1 std.
    assert '40.00 ± 7.07 (+5.00 ± 0.00, gain > 1 std)' in row
    assert row.endswith('| 50.0 | 45.0 |')
    # four runs: 100, 101 s for each row
    assert 'voc 100.50 ± 0.58 s' in md
    assert (work / 'plots' / 'det_table.png').is_file()
    # The same runs asked for at another schedule: one line, nothing run.
    r = tool_in_process(
        TOOL,
        '--work-dir',
        str(work),
        '--rows',
        'random',
        'mocov2',
        '--detectors',
        'voc',
        '--det-iters',
        '128',
        '--data-root',
        str(tmp_path / 'data'),
    )
    assert r.returncode != 0
    assert 'holds a run made with [], not' in r.stderr
    assert r.stderr.count('\n') == 1, r.stderr
