"""ftcl_mm.sweep.ablations: the fixed protocol maps onto real tiny configs,
and each table's summary pairs gains by seed, carries the paper's numbers
and lists what is queued."""

import json
import os
import os.path as osp

from ftcl_mm.sweep.ablations import (
    ABLATIONS,
    ablation_markdown,
    cell_summary,
    load_results,
)

from ..conftest import ROOT


def _run(method, variant, seed, knn, linear=None, pos=0.5):
    return dict(
        method=method,
        variant=variant,
        seed=seed,
        effective_rank=knn / 2,
        knn_top1=knn,
        linear_top1=knn if linear is None else linear,
        scores=dict(
            pos_mean=pos,
            neg_mean=0.1,
            neg_var=0.2,
            pos_mean_ft=pos - 0.2,
            neg_mean_ft=0.1,
        ),
    )


def test_every_cell_has_a_tiny_config():
    suffix = {'base': '', 'both': '_ft'}
    for ablation in ABLATIONS.values():
        for c in ablation.cells:
            name = f'{c.method}{suffix.get(c.variant, "_ft-" + c.variant)}'
            path = osp.join(ROOT, 'configs/selfsup/tiny', f'{name}_tiny.py')
            assert osp.isfile(path), (ablation.key, path)
        # Gains need a base per method.
        bases = {c.method for c in ablation.cells if c.variant == 'base'}
        assert bases == set(ablation.methods), ablation.key


def test_protocol_order_and_paper_gains():
    assert list(ABLATIONS) == ['T7', 'detached', 'T6', 'length', 'T3', 'T2T4']
    rows = cell_summary(ABLATIONS['T7'], [], [0, 1, 2])
    by = {(r['cell'].method, r['cell'].variant): r for r in rows}
    # Paper gains are against the same method's baseline.
    assert abs(by['mocov2', 'both']['paper_gain'] - (78.33 - 75.61)) < 1e-9
    assert abs(by['simclr', 'dim']['paper_gain'] - (78.81 - 74.32)) < 1e-9
    assert by['mocov2', 'base']['paper_gain'] is None
    assert all(r['queued'] == [0, 1, 2] for r in rows)


def test_summary_pairs_by_seed_and_lists_queued_seeds():
    results = [
        _run('mocov2', 'base', 0, 40.0),
        _run('mocov2', 'base', 1, 50.0),
        _run('mocov2', 'base', 2, 45.0),
        # both: +2 on every seed although the seeds' levels differ a lot
        _run('mocov2', 'both', 0, 42.0, pos=0.9),
        _run('mocov2', 'both', 1, 52.0, pos=0.9),
        # another table's cell and another seed are ignored
        _run('mocov2', 'start4', 0, 10.0),
        _run('mocov2', 'both', 7, 99.0),
    ]
    rows = cell_summary(ABLATIONS['T7'], results, [0, 1, 2])
    by = {(r['cell'].method, r['cell'].variant): r for r in rows}
    both = by['mocov2', 'both']
    assert both['stats']['knn_top1']['n'] == 2
    assert both['stats']['knn_top1_gain']['mean'] == 2.0
    assert both['stats']['knn_top1_gain']['std'] == 0.0
    assert both['queued'] == [2]
    assert both['scores'] == '0.900 / 0.100 / 0.200'
    assert both['scores_ft'] == '0.700 / 0.100'
    assert by['mocov2', 'base']['scores_ft'] == '(no FT)'
    assert by['mocov2', 'pos']['queued'] == [0, 1, 2]

    md = ablation_markdown(
        ABLATIONS['T7'], rows, 'python tools/studies/ft_ablations.py ...'
    )
    line = next(x for x in md.splitlines() if '| mocov2 | + both |' in x)
    assert '78.33 (+2.72)' in line
    assert '+2.00 ± 0.00' in line
    assert 'gain > 1 std' in line
    # effective rank 21 and 26 (knn / 2): mean 23.5
    assert line.rstrip().endswith('| 23.5 | 2 |')
    # 1 queued seed of both + 3 x 3 other MoCo v2 cells + 5 x 3 SimCLR
    assert '25 run(s) queued; continue with:' in md
    assert 'python tools/studies/ft_ablations.py ...' in md


def test_load_results_reads_study_layout(tmp_path):
    def put(rel, result):
        os.makedirs(tmp_path / rel)
        (tmp_path / rel / 'result.json').write_text(json.dumps(result))

    put('random/seed0', dict(method='random', variant='init', seed=0))
    put('mocov2/base/seed0', _run('mocov2', 'base', 0, 40.0))
    put('mocov2/base/seed5', _run('mocov2', 'base', 5, 40.0))
    put('60ep/mocov2/base/seed0', _run('mocov2', 'base', 0, 60.0))
    got = load_results(str(tmp_path), [0, 1, 2])
    assert sorted((r['method'], r.get('knn_top1')) for r in got) == [
        ('mocov2', 40.0),
        ('random', None),
    ]
    longer = load_results(
        ABLATIONS['length'].work_dir(str(tmp_path)), [0, 1, 2]
    )
    assert [r['knn_top1'] for r in longer] == [60.0]


def test_report_of_finished_runs_writes_every_table(tmp_path):
    def put(rel, result):
        os.makedirs(tmp_path / rel)
        (tmp_path / rel / 'result.json').write_text(json.dumps(result))

    put(
        'random/seed0',
        dict(
            method='random',
            variant='init',
            seed=0,
            knn_top1=25.0,
            linear_top1=15.0,
        ),
    )
    for seed, (base, both) in enumerate([(40.0, 30.0), (50.0, 41.0)]):
        put(
            f'mocov2/base/seed{seed}',
            dict(
                method='mocov2',
                variant='base',
                seed=seed,
                knn_top1=base,
                linear_top1=base,
            ),
        )
        put(
            f'mocov2/both/seed{seed}',
            dict(
                method='mocov2',
                variant='both',
                seed=seed,
                knn_top1=both,
                linear_top1=both,
            ),
        )
    from ftcl_mm.sweep.ablations import write_report

    written = write_report(str(tmp_path), [0, 1])
    assert written[0] == str(tmp_path / 'ablations.md')
    md = (tmp_path / 'ablations.md').read_text()
    for key in ('T7', 'detached', 'T6', 'length', 'T3', 'T2T4'):
        assert f'## {key}: ' in md
    # MoCo v2 both lost 10 and 9 points: paired, a loss beyond 1 std (kNN
    # and linear), in T7 and again as T6's "from epoch 0" cell; not in the
    # 60-epoch table, whose runs live elsewhere.
    assert md.count('-9.50 ± 0.71') == 4
    length = md.split('## length: ')[1].split('## T3')[0]
    assert '-9.50' not in length
    assert 'loss > 1 std' in md
    assert 'seed 0 25.0 / 15.0 (kNN / linear)' in md
    assert '--tables T6 --seeds 0 1 --work-dir' in md
    assert (tmp_path / 'plots' / 'T7_accuracy.png').is_file()
