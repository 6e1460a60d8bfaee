"""ftcl_mm.sweep.det_table: the detection table from finished runs (the
command line end to end: tests/test_tools/test_tiny_det_table.py)."""

import os.path as osp
import re

import pytest

from ftcl_mm.sweep.det_table import (
    Plan,
    demo_pretrain_options,
    det_iters_arg,
    det_iters_options,
    det_iters_text,
    det_schedule_options,
    options_for,
    parse_det_iters,
    table,
)
from ftcl_mm.utils.errors import UserInputError

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


def test_det_iters_for_every_detector_or_each_named_once():
    assert parse_det_iters(['160']) == 160
    per = parse_det_iters(['voc=160', 'coco=128'])
    assert per == {'voc': 160, 'coco': 128}
    assert det_iters_text(per) == 'voc 160, coco 128'
    assert det_iters_text(160) == '160'
    for iters in (per, 160):  # the argument form parses back
        assert parse_det_iters(det_iters_arg(iters).split()) == iters
    opts = det_iters_options(per)
    assert options_for(opts, 'coco') == det_schedule_options(128)
    assert options_for(det_iters_options(96), 'voc') == (
        det_schedule_options(96)
    )
    for bad in (
        ['0'],
        ['x'],
        ['voc=160'],
        ['voc=1', 'voc=2', 'coco=3'],
        ['voc=160', 'lvis=1'],
        ['voc=0', 'coco=1'],
    ):
        with pytest.raises(UserInputError, match='expected N or voc=N'):
            parse_det_iters(bad)


def test_a_table_at_one_schedule_per_detector_says_each():
    plan = Plan(
        'w',
        ['random'],
        [0],
        ['voc', 'coco'],
        demo_pretrain_options(8),
        det_iters_options({'voc': 160, 'coco': 128}),
    )
    assert 'detectors trained voc 160, coco 128 iterations' in table(
        plan, {}, []
    )


def test_each_detector_is_read_against_the_noise_of_its_own_schedule():
    from ftcl_mm.sweep.det_table import noise_section

    pre = demo_pretrain_options(8)
    metrics = {
        'voc_pretrained': {'pascal_voc/AP50': 0.40, 'pascal_voc/mAP': 0.155},
        'voc_random': {'pascal_voc/AP50': 0.35, 'pascal_voc/mAP': 0.15},
        'coco_pretrained': {'coco/bbox_mAP': 0.04},
        'coco_random': {'coco/bbox_mAP': 0.03},
    }
    ours = det_iters_options({'voc': 160, 'coco': 128})
    stored = det_iters_options({'voc': 160, 'coco': 96})
    lines = noise_section(_noise(pre, stored), metrics, 'simclr', pre, ours)
    assert any('| VOC AP50 |' in x for x in lines)
    # COCO ran 128 iterations, its noise is of 96: named, not read.
    assert lines[-1] == (
        'Not read: coco (its noise was not measured at this setting).'
    )
    # A noise table of one schedule for all reads a demo of it per detector.
    flat = noise_section(
        _noise(pre, det_schedule_options(160)),
        metrics,
        'simclr',
        pre,
        det_iters_options({'voc': 160, 'coco': 160}),
    )
    assert any('| VOC AP50 |' in x for x in flat)
    assert not any(x.startswith('Not read') for x in flat)


def test_a_finished_run_of_another_schedule_is_refused(tmp_path):
    import json

    from ftcl_mm.sweep.det_table import check_setting
    from ftcl_mm.sweep.launcher import SweepJob

    def job(stored):
        work = tmp_path / str(len(list(tmp_path.iterdir())))
        work.mkdir()
        (work / 'result.json').write_text(json.dumps(stored))
        return SweepJob('voc random seed 0', str(work), lambda: {})

    ours = det_schedule_options(128)
    check_setting(job({'options': ours}), ours)  # same setting: reused
    check_setting(job({'VOC AP50': 0.1}), ours)  # stored before options
    unfinished = SweepJob('x', str(tmp_path / 'none'), lambda: {})
    check_setting(unfinished, ours)
    with pytest.raises(UserInputError, match='use another --work-dir'):
        check_setting(job({'options': det_schedule_options(160)}), ours)
