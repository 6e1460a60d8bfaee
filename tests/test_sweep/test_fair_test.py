"""FT's fair test: the verdict rule, and the report written from stored
runs (gate epochs, step-0 scores, curves, config hashes)."""

import math
import os
import os.path as osp

import pytest

from ftcl_mm.formats import score_csv
from ftcl_mm.sweep import fair_test as F
from ftcl_mm.utils.fileio import write_json, write_text
from ftcl_mm.utils.provenance import dumped_config_hash


@pytest.mark.parametrize(
    'gains, verdict',
    [
        ([2.0, 2.5, 1.5, 2.2, 1.8], 'gain'),
        ([-3.0, -2.0, -4.0, -3.5, -2.5], 'loss'),
        ([2.0, -1.0, 3.0, -2.0, 0.5], 'no detectable effect'),
        ([1.0], '-'),
    ],
)
def test_se_verdict(gains, verdict):
    from ftcl_mm.sweep.stats import mean_std

    got, mde = F.se_verdict(mean_std(gains))
    assert got == verdict
    if len(gains) > 1:
        s = mean_std(gains)
        assert mde == pytest.approx(2 * s['std'] / math.sqrt(len(gains)))


def _run(root, variant, seed, knn, gate=None, block='simclr', method=None):
    block = F.BLOCKS[block]
    method = method or block.cells[0].method
    cell = next(
        c for c in block.cells if (c.method, c.variant) == (method, variant)
    )
    d = F.run_dir(root, block, cell, seed)
    pre = osp.join(d, 'pretrain')
    os.makedirs(pre)
    write_json(
        osp.join(d, 'result.json'),
        dict(
            method=method,
            variant=variant,
            seed=seed,
            knn_top1=knn,
            linear_top1=knn + 5,
            effective_rank=40.0,
            scores=dict(
                pos_mean=0.7, neg_mean=0.1, pos_mean_ft=0.5, neg_mean_ft=0.1
            ),
        ),
    )
    row = {c: 0.0 for c in score_csv.COLUMNS}
    row.update(iter=1, epoch=0, ft_enabled=0, pos_mean=0.04, neg_mean=0.01)
    score_csv.write_rows(osp.join(pre, 'score_stats.csv'), [row])
    write_text(
        osp.join(pre, 'online_knn.csv'),
        f'epoch,iter,top1\n5,95,{knn - 3}\n20,380,{knn}\n',
    )
    write_text(
        osp.join(pre, 'simclr_tiny.py'), f'model = dict()  # {variant}\n'
    )
    if gate is not None:
        write_json(osp.join(pre, 'ft_gate.json'), dict(ft_from_epoch=gate))


def test_report_from_stored_runs(tmp_path):
    root = str(tmp_path / 'study')
    for seed, base in enumerate((50.0, 52.0, 49.0)):
        _run(root, 'base', seed, base)
        _run(root, 'both', seed, base - 20 - seed)  # a clear loss
        _run(root, 'gate', seed, base + (1, -1, 0.5)[seed], gate=3 + seed)
    write_text(osp.join(root, 'commit.txt'), 'abcdef1234567890\n')
    out = str(tmp_path / 'docs' / 'fair_test.md')
    paths = F.write_report(root, (0, 1, 2, 3, 4), out, ['simclr'])
    text = open(out).read()
    assert paths[0] == out and all(osp.isfile(p) for p in paths)
    rows = {
        line.split(' | ')[0]: line
        for line in text.splitlines()
        if line.startswith('| S')
    }
    assert '| 0 1 2 |' in rows['| S1'] and ' loss (2 SE ' in rows['| S1']
    assert '-21.00 ± 1.00' in rows['| S1']
    assert 'no detectable effect' in rows['| S2']
    assert '| 3, 4, 5 |' in rows['| S2']  # the gate epoch of each seed
    assert '0.040 / 0.010' in rows['| S0']  # scores at step 0
    assert 'commit abcdef123456' in text
    assert '6 run(s) of this block queued; continue with' in text  # 3, 4
    # Regenerated from the same runs: byte-identical.
    before = open(out, 'rb').read()
    F.write_report(root, (0, 1, 2, 3, 4), out, ['simclr'])
    assert open(out, 'rb').read() == before


def test_protocol_is_the_issues():
    mocov2 = F.BLOCKS['mocov2']
    assert mocov2.epochs == 60 and F.BLOCKS['simclr'].epochs == 20
    assert [c.key for c in mocov2.cells] == list('ABCDEFGHI')
    assert mocov2.study_calls() == [
        (
            'mocov2',
            ['base', 'both', 'bounded', 'renorm', 'neg', 'gate', 'start30'],
        ),
        ('mocov2mlp', ['base', 'both']),
    ]
    for block in F.PROTOCOL:
        for c in block.cells:
            name = 'ft' if c.variant == 'both' else f'ft-{c.variant}'
            cfg = f'configs/selfsup/tiny/{c.method}_{name}_tiny.py'
            if c.variant == 'base':
                cfg = f'configs/selfsup/tiny/{c.method}_tiny.py'
            assert osp.isfile(osp.join(osp.dirname(__file__), '../..', cfg)), (
                cfg
            )


def test_prefix_cells_start_from_their_base(tmp_path):
    """C (gate) and D (start 30) are their base run until FT starts: they
    begin from its checkpoint at the end of the shared prefix."""
    root = str(tmp_path)
    block = F.BLOCKS['mocov2']
    cells = {c.key: c for c in block.cells}
    base = osp.join(F.run_dir(root, block, cells['A'], 0), 'pretrain')
    os.makedirs(base)
    rows = []
    for epoch in range(60):  # the mean positive score reaches .6 at 28
        for i in range(2):
            row = {c: 0.0 for c in score_csv.COLUMNS}
            row.update(
                iter=2 * epoch + i + 1,
                epoch=epoch,
                ft_enabled=0,
                pos_mean=0.3 + 0.011 * epoch,
            )
            rows.append(row)
    score_csv.write_rows(osp.join(base, 'score_stats.csv'), rows)
    for e in range(5, 61, 5):
        write_text(osp.join(base, f'epoch_{e}.pth'), f'ckpt {e}')
    write_text(
        osp.join(base, 'online_knn.csv'),
        'epoch,iter,top1\n'
        + ''.join(f'{e},{2 * e},{30 + e / 2}\n' for e in range(5, 61, 5)),
    )
    assert F.shared_prefix_epoch('gate', base, 60) == 25  # fires after 28
    assert F.shared_prefix_epoch('start30', base, 60) == 30
    assert F.shared_prefix_epoch('both', base, 60) is None
    assert F.seed_from_base(root, block, cells['C'], 0) == 25
    pre = osp.join(F.run_dir(root, block, cells['C'], 0), 'pretrain')
    assert open(osp.join(pre, 'epoch_25.pth')).read() == 'ckpt 25'
    assert (
        open(osp.join(pre, 'last_checkpoint')).read().endswith('epoch_25.pth')
    )
    kept = score_csv.read_rows(osp.join(pre, 'score_stats.csv'))
    assert kept[-1]['epoch'] == 24 and len(kept) == 50
    assert list(F.curve(pre)) == [5, 10, 15, 20, 25]
    # Started already: left alone.
    assert F.seed_from_base(root, block, cells['C'], 0) is None
    assert F.seed_from_base(root, block, cells['D'], 0) == 30
    # No base run yet: nothing to share.
    assert F.seed_from_base(root, block, cells['C'], 1) is None


def test_a_changed_recipe_marks_exactly_its_runs_stale(tmp_path):
    root = str(tmp_path)
    block = F.BLOCKS['simclr']
    for variant in ('base', 'both'):
        for seed in (0, 1):
            _run(root, variant, seed, 50.0)
    cells = {c.variant: c for c in block.cells}
    repo = osp.join(osp.dirname(__file__), '..', '..')
    # base seed 0 recorded the current recipe, seed 1 another one; the
    # FT cell recorded none (run before recipe hashes): not checked.
    for seed, recipe in (
        (0, F.current_recipe(repo, block, cells['base'], 0)),
        (1, 'feedc0ffee00'),
    ):
        path = osp.join(
            F.run_dir(root, block, cells['base'], seed), 'result.json'
        )
        from ftcl_mm.utils.fileio import read_json

        r = read_json(path)
        r['provenance'] = dict(recipe_hash=recipe)
        write_json(path, r)
    rows = {
        r['cell'].variant: r
        for r in F.summarise(block, F.collect(root, block, (0, 1)))
    }
    assert rows['base']['stale'] == [1]
    assert rows['both']['stale'] == []
    assert (
        F.cell_config(cells['gate'])
        == 'configs/selfsup/tiny/simclr_ft-gate_tiny.py'
    )


def test_stored_runs_regenerate_the_same_report(tmp_path):
    root = str(tmp_path / 'study')
    for seed in (0, 1):
        _run(root, 'base', seed, 50.0 + seed)
        _run(root, 'gate', seed, 49.0, gate=4)
    (
        tmp_path
        / 'study'
        / '20ep'
        / 'simclr'
        / 'base'
        / 'seed0'
        / 'pretrain'
        / 'epoch_5.pth'
    ).write_bytes(b'x')
    write_text(osp.join(root, 'commit.txt'), 'abc\n')
    store = str(tmp_path / 'store')
    assert F.store_runs(root, store, ['simclr'], (0, 1)) == 4
    a, b = str(tmp_path / 'a' / 'r.md'), str(tmp_path / 'b' / 'r.md')
    F.write_report(root, (0, 1), a, ['simclr'])
    F.write_report(store, (0, 1), b, ['simclr'])

    def body(path):  # the header names the folder it was made from
        return [ln for ln in open(path) if not ln.startswith('Generated by')]

    assert body(a) == body(b)
    assert f'--work-dir {store}' in open(b).read()
    # No checkpoint is stored.
    assert not [
        p for p, _, fs in os.walk(store) for f in fs if f.endswith('.pth')
    ]


def _mocov2_block(root, gains, seeds=(0, 1, 2, 3, 4)):
    """Every MoCo v2 cell: base 60 + seed, each FT cell its gain + a
    seed-dependent wobble (std 1)."""
    for seed in seeds:
        wobble = (-1.0, 1.0, 0.0, 1.0, -1.0)[seed]
        for method in ('mocov2', 'mocov2mlp'):
            _run(root, 'base', seed, 60 + seed, block='mocov2', method=method)
        for cell in F.BLOCKS['mocov2'].cells:
            if cell.variant == 'base':
                continue
            _run(
                root,
                cell.variant,
                seed,
                60.0 + seed + gains.get(cell.key, -5.0) + wobble,
                block='mocov2',
                method=cell.method,
            )


def _rows(root, seeds=F.SEEDS):
    block = F.BLOCKS['mocov2']
    return F.summarise(block, F.collect(root, block, seeds))


def test_detection_takes_the_best_gain_or_c_and_waits_for_the_verdict(
    tmp_path,
):
    root = str(tmp_path / 'a')
    _mocov2_block(root, {'D': 3.0, 'G': 6.0})
    (base, best), why = F.detection_pair(_rows(root))
    assert (base.key, best.key) == ('A', 'G') and 'largest kNN gain' in why
    root = str(tmp_path / 'b')
    _mocov2_block(root, {'D': 0.5})  # within 2 SE: no cell gains
    (base, best), why = F.detection_pair(_rows(root))
    assert (base.key, best.key) == ('A', 'C')
    assert 'no FT cell gains' in why
    root = str(tmp_path / 'c')
    _mocov2_block(root, {'G': 6.0}, seeds=(0, 1, 2))
    pair, why = F.detection_pair(_rows(root))
    assert pair is None and 'waits for the verdict' in why


def test_detection_jobs_fine_tune_each_backbone_seed(tmp_path):
    root = str(tmp_path / 'study')
    _mocov2_block(root, {'G': 6.0})
    pair, _ = F.detection_pair(_rows(root))
    calls = []

    class Calls:
        def train(self, config, work, *extra):
            return ['train.py', config, work, *extra]

        def call(self, cmd, log):
            calls.append(cmd)

    jobs = F.detection_jobs(root, pair, Calls())
    assert [j.name for j in jobs] == [
        f'voc {c} seed {s}' for s in F.DETECTION_SEEDS for c in ('A', 'G')
    ]
    # No backbone on disk: one clear failure, nothing trained.
    from ftcl_mm.sweep.launcher import RunFailed

    with pytest.raises(RunFailed, match='backbone.pth is missing'):
        jobs[0].execute()
    assert not calls
    block = F.BLOCKS['mocov2']
    write_text(
        osp.join(F.run_dir(root, block, pair[0], 0), 'backbone.pth'), 'x'
    )
    with pytest.raises(RunFailed, match='logged no'):
        jobs[0].execute()
    cmd = calls[0]
    assert cmd[1].endswith('faster-rcnn_r18w16-c4_tinydet_voc.py')
    assert cmd[2] == F.detection_dir(root, pair[0], 0)
    assert '--pretrained' in cmd and 'randomness.seed=0' in cmd


def test_report_reads_the_verdicts_and_shows_the_detection_rows(tmp_path):
    root = str(tmp_path / 'study')
    _mocov2_block(root, {'D': 3.0, 'G': 6.0})
    for seed, (a, g) in enumerate(((10.0, 12.0), (11.0, 12.0), (9.0, 12.5))):
        for key, ap in (('A', a), ('G', g)):
            cell = next(c for c in F.BLOCKS['mocov2'].cells if c.key == key)
            work = F.detection_dir(root, cell, seed)
            write_json(
                osp.join(work, 'metrics.json'),
                {'pascal_voc/AP50': ap / 100, 'pascal_voc/mAP': ap / 300},
            )
            write_text(osp.join(work, 'det.py'), f'model = dict()  # {key}\n')
    out = str(tmp_path / 'fair_test.md')
    F.write_report(root, F.SEEDS, out, ['mocov2'])
    text = open(out).read()
    reading = text.split('## What the regime says about FT')[1]
    assert 'gain for D (+3.0, 2 SE 0.9), G (+6.0, 2 SE 0.9)' in reading
    assert 'loss for B (-5.0' in reading
    det = text.split('## Detection: the best FT cell against its base')[1]
    assert 'Cell: G, the largest kNN gain by the rule.' in det
    row = next(ln for ln in det.splitlines() if ln.startswith('| G:'))
    # AP50 gains 2, 1, 3.5: mean 2.17, std 1.26, 2 SE 1.45.
    assert '| 0 1 2 |' in row and '+2.17 ± 1.26 (gain (2 SE 1.45))' in row
    assert 'queued' not in det
    # The detector's recipe: the hash of the config its Runner got.
    assert row.endswith(f'| {dumped_config_hash(work)} |')
