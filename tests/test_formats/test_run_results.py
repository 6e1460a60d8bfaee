"""A run's final metrics from what its tools left in the work dir."""

import json

from ftcl_mm.formats.run_results import final_metrics


def test_knn_json_and_the_last_logged_evaluation(tmp_path):
    (tmp_path / 'knn.json').write_text(
        json.dumps({'top1': {'20': 55.4}, 'linear_top1': 55.6})
    )
    vis = tmp_path / '20261207_000000' / 'vis_data'
    vis.mkdir(parents=True)
    (vis / 'scalars.json').write_text(
        '{"pascal_voc/AP50": 0.1, "loss": 1.0}\n'
        '{"pascal_voc/AP50": 0.2, "scores/pos": 0.5}\n'
    )
    assert final_metrics(str(tmp_path)) == {
        'knn/top1_k20': 55.4,
        'linear_cached/top1': 55.6,
        'pascal_voc/AP50': 0.2,
    }


def test_a_suite_row_is_the_coarse_task_under_the_knn_names(tmp_path):
    (tmp_path / 'suite.json').write_text(
        json.dumps(
            {
                'pretrained': 'backbone.pth',
                'config': 'linear.py',
                'coarse_knn': 55.4,
                'coarse_linear': 55.6,
                'colour_linear': 21.4,
                'fewshot_5shot': 25.0,
                'corruptions_mca': 23.2,
            }
        )
    )
    assert final_metrics(str(tmp_path)) == {
        'knn/top1_k20': 55.4,
        'linear_cached/top1': 55.6,
        'suite/colour_linear': 21.4,
        'suite/fewshot_5shot': 25.0,
        'suite/corruptions_mca': 23.2,
    }


def test_an_empty_work_dir_has_no_metrics(tmp_path):
    assert final_metrics(str(tmp_path)) == {}
