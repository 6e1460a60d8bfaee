"""ftcl_mm.sweep.det_table: the detection table from finished runs (the
command line end to end: tests/test_tools/test_tiny_det_table.py)."""

import os.path as osp
import re

from ftcl_mm.sweep.det_table import (
    Plan,
    demo_pretrain_options,
    det_schedule_options,
    table,
)

from ..conftest import ROOT


def _det(row, seed, ap50):
    return {
        'row': row,
        'detector': 'voc',
        'seed': seed,
        'VOC AP50': ap50,
        'VOC AP': ap50 / 2,
        'wall_s': 10.0,
    }


def test_gain_is_paired_by_detector_seed_and_missing_cells_say_so():
    plan = Plan('unused', ['random', 'mocov2', 'simclr'], [0, 1], ['voc'])
    dets = [
        _det('random', 0, 0.30),
        _det('random', 1, 0.40),
        _det('mocov2', 0, 0.29),
        _det('mocov2', 1, 0.39),
    ]
    backbones = {'mocov2': dict(knn_top1=50.0, linear_top1=45.0)}
    md = table(plan, backbones, dets)
    rows = {x.split(' | ')[0]: x for x in md.splitlines() if x[:2] == '| '}
    # Means 1 point apart under a 7-point seed std, the paired loss exact.
    assert '34.00 ± 7.07 (-1.00 ± 0.00, loss > 1 std)' in rows['| mocov2']
    assert rows['| mocov2'].endswith('| 50.0 | 45.0 |')
    assert 'gain' not in rows['| random'] and 'loss' not in rows['| random']
    assert rows['| simclr'] == '| simclr | - | - | - | - |'
    assert 'voc 10.00 ± 0.00 s' in md


def test_the_demo_setting_is_the_demos_own():
    # tools/demo.sh sets these in bash; the noise study must train the
    # same schedule, so every key the demo overrides is one it sets.
    with open(osp.join(ROOT, 'tools', 'demo.sh')) as f:
        demo = f.read()
    keys = set(
        re.findall(
            r'"((?:train_cfg|param_scheduler|default_hooks)'
            r'[\w.]*)=',
            demo,
        )
    )
    ours = demo_pretrain_options(8) + det_schedule_options(320)
    assert {o.split('=')[0] for o in ours} == keys
    assert 'param_scheduler.1.milestones=[266]' in ours
    plan = Plan(
        'w',
        ['random'],
        [0],
        ['voc'],
        demo_pretrain_options(8),
        det_schedule_options(160),
    )
    assert '(seed 0, 8 epochs), detectors trained 160 iterations' in table(
        plan, {}, []
    )


def _noise(pre_opts, det_opts):
    dets = []
    # VOC AP50: random 30/32/34 (std 2), simclr 36/37/38 (std 1).
    for seed, (r, p) in enumerate([(0.30, 0.36), (0.32, 0.37), (0.34, 0.38)]):
        dets.append(
            {
                'row': 'random',
                'detector': 'voc',
                'seed': seed,
                'VOC AP50': r,
                'VOC AP': r / 2,
            }
        )
        dets.append(
            {
                'row': 'simclr',
                'detector': 'voc',
                'seed': seed,
                'VOC AP50': p,
                'VOC AP': p / 2,
            }
        )
    return dict(
        seeds=[0, 1, 2],
        pretrain_options=pre_opts,
        det_options=det_opts,
        provenance={'commit': 'abc'},
        detectors=dets,
    )


def test_demo_rows_are_read_against_the_noise_of_their_setting():
    from ftcl_mm.sweep.det_table import noise_section

    pre, det = demo_pretrain_options(8), det_schedule_options(160)
    metrics = {
        'voc_pretrained': {'pascal_voc/AP50': 0.40, 'pascal_voc/mAP': 0.155},
        'voc_random': {'pascal_voc/AP50': 0.35, 'pascal_voc/mAP': 0.15},
    }
    lines = noise_section(_noise(pre, det), metrics, 'simclr', pre, det)
    ap50 = next(x for x in lines if '| VOC AP50 |' in x)
    # +5 over a larger std of 2: ahead; paired lead +5 +- 1 over 3 seeds.
    assert '| 40.0 | 35.0 | +5.0 | 1.0 / 2.0 | +5.00 ± 1.00 |' in ap50
    assert ap50.endswith('ahead by more than the seed std |')
    ap = next(x for x in lines if '| VOC AP |' in x)
    assert ap.endswith('| within seed noise |')  # +0.5 under std 1
    # Measured at another schedule: no reading at all.
    other = noise_section(
        _noise(pre, det_schedule_options(320)), metrics, 'simclr', pre, det
    )
    assert len(other) == 1 and 'not measured at this setting' in other[0]
