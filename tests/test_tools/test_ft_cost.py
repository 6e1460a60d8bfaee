"""tools/performance/ft_cost.py: a sibling method against a baseline."""

import json

from ..conftest import python_cli


def test_baseline_comparison_reports_both_models(tmp_path):
    out = str(tmp_path / 'bench.jsonl')
    r = python_cli(
        'tools/performance/ft_cost.py',
        'configs/selfsup/demo/looc_demo.py',
        '--compare',
        'baseline',
        '--baseline',
        'configs/selfsup/demo/mocov2_demo.py',
        '--batch',
        '4',
        '--size',
        '32',
        '--rounds',
        '2',
        '--steps',
        '1',
        '--warmup',
        '0',
        '--json',
        out,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    with open(out) as f:
        result = json.loads(f.read())
    assert result['algorithm'] == 'LooC' and result['size'] == 32
    assert result['step_ms_on'] > 0 and result['step_ms_off'] > 0
    # ratio = on / off (of the unrounded medians)
    assert (
        abs(result['ratio'] * result['step_ms_off'] - result['step_ms_on'])
        < 0.01 * result['step_ms_on']
    )
    assert '| LooC | vs MoCoFT |' in r.stdout


def test_baseline_mode_needs_a_baseline():
    r = python_cli(
        'tools/performance/ft_cost.py',
        'configs/selfsup/demo/looc_demo.py',
        '--compare',
        'baseline',
    )
    assert r.returncode != 0
    assert 'needs --baseline CONFIG' in r.stderr
