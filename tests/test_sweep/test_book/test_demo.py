"""The demo page: a stored demo summary (no paths) read against the
detector-seed noise stored at its setting."""

import json

import pytest

from ftcl_mm.sweep.book.demo import demo_page, store_demo
from ftcl_mm.sweep.det_table import demo_pretrain_options, det_schedule_options
from ftcl_mm.utils.errors import UserInputError

METRICS = {
    'suite_pretrained': {
        'knn/top1_k20': 55.4,
        'linear_cached/top1': 55.6,
        'suite/colour_linear': 30.1,
        'suite/fewshot_5shot': 40.2,
    },
    'suite_random': {
        'knn/top1_k20': 27.2,
        'linear_cached/top1': 16.8,
        'suite/colour_linear': 21.4,
        'suite/fewshot_5shot': 25.0,
    },
    'voc_pretrained': {'pascal_voc/AP50': 0.227, 'pascal_voc/mAP': 0.1},
    'voc_random': {'pascal_voc/AP50': 0.194, 'pascal_voc/mAP': 0.08},
    'coco_pretrained': {'coco/bbox_mAP': 0.099, 'coco/segm_mAP': 0.07},
    'coco_random': {'coco/bbox_mAP': 0.085, 'coco/segm_mAP': 0.06},
}


def _demo(tmp_path, iters=160, metrics=METRICS):
    work = tmp_path / 'demo'
    work.mkdir()
    runs = [
        dict(name=n, work_dir=f'/abs/{n}', checkpoint='/abs/c.pth', metrics=m)
        for n, m in metrics.items()
    ]
    (work / 'summary.json').write_text(
        json.dumps(
            dict(
                title='ftcl_mm demo (simclr_tiny, 8 epochs)',
                runs=runs,
                epochs=8,
                det_iters=iters,
                wall_s=570,
                stages=[
                    dict(name='pretrain', seconds=121.0),
                    dict(name='voc', seconds=180.0),
                ],
                noise='docs/reports/runs/demo_det_noise/results.json',
                noise_row='simclr',
                provenance=dict(commit='abcdef0123', date='2026-12-07'),
            )
        )
    )
    return str(work)


def _noise(store):
    dets = [
        {
            'row': r,
            'detector': d,
            'seed': s,
            'VOC AP50': v,
            'VOC AP': v,
            'COCO AP^bb': v / 2,
            'COCO AP^mk': v / 2,
        }
        for s in range(3)
        for d in ('voc', 'coco')
        for r, v in (('random', 0.19 + s / 200), ('simclr', 0.22 + s / 200))
    ]
    (store / 'demo_det_noise').mkdir(parents=True)
    (store / 'demo_det_noise' / 'results.json').write_text(
        json.dumps(
            dict(
                seeds=[0, 1, 2],
                pretrain_options=demo_pretrain_options(8),
                det_options=det_schedule_options(160),
                backbones={'random': {'backbone': 'none'}},
                detectors=dets,
            )
        )
    )


def test_without_a_stored_demo_the_page_says_how_to_store_one(tmp_path):
    assert 'book.py store-demo work_dirs/demo' in demo_page(str(tmp_path))


def test_stored_demo_keeps_metrics_not_paths(tmp_path):
    store = tmp_path / 'store'
    out = store_demo(_demo(tmp_path), str(store))
    text = open(out).read()
    assert '/abs/' not in text
    assert (
        json.loads(text)['runs'][0]['metrics'] == METRICS['suite_pretrained']
    )


def test_page_reads_the_rows_against_the_stored_noise(tmp_path):
    store = tmp_path / 'store'
    store_demo(_demo(tmp_path), str(store))
    assert 'No detector-seed noise stored' in demo_page(str(store))
    _noise(store)
    page = demo_page(str(store))
    assert '**9.5 min** after set-up' in page
    assert 'per step: pretrain 121 s · voc 180 s (total 301 s).' in page
    suite = '| downstream suite (frozen backbone) |'
    assert f'{suite} knn/top1_k20 | 55.4 | 27.2 |' in page
    assert f'{suite} suite/fewshot_5shot | 40.2 | 25.0 |' in page
    assert 'kNN (k = 20) and cached linear probe' not in page
    voc = next(x for x in page.splitlines() if '| voc | VOC AP50 |' in x)
    # 22.7 vs 19.4: +3.3 against a seed std of 0.5: ahead.
    assert '| 22.7 | 19.4 | +3.3 | 0.5 / 0.5 |' in voc
    assert voc.endswith('ahead by more than the seed std |')
    assert '## The noise table' in page
    assert page == demo_page(str(store))  # regenerated: byte-identical


def test_a_demo_at_another_schedule_gets_no_reading(tmp_path):
    store = tmp_path / 'store'
    store_demo(_demo(tmp_path, iters=320), str(store))
    _noise(store)
    assert 'not measured at this setting' in demo_page(str(store))


def test_an_unfinished_demo_is_one_clear_error(tmp_path):
    with pytest.raises(UserInputError, match='has no summary.json'):
        store_demo(str(tmp_path), str(tmp_path / 'store'))


def test_a_demo_from_before_the_suite_step_still_has_its_page(tmp_path):
    legacy = {
        k.replace('suite_', 'knn_'): {
            m: v for m, v in ms.items() if not m.startswith('suite/')
        }
        if k.startswith('suite_')
        else ms
        for k, ms in METRICS.items()
    }
    store = tmp_path / 'store'
    store_demo(_demo(tmp_path, metrics=legacy), str(store))
    page = demo_page(str(store))
    assert (
        '| kNN (k = 20) and cached linear probe | knn/top1_k20 | 55.4 |'
        ' 27.2 |' in page
    )
    assert 'downstream suite' not in page


def test_a_demo_without_its_frozen_or_detection_pairs_is_refused(tmp_path):
    for drop in ('suite_random', 'coco_pretrained'):
        partial = {k: v for k, v in METRICS.items() if k != drop}
        with pytest.raises(UserInputError, match='lacks the runs'):
            store_demo(_demo(tmp_path, metrics=partial), str(tmp_path / 's'))
        (tmp_path / 'demo' / 'summary.json').unlink()
        (tmp_path / 'demo').rmdir()
