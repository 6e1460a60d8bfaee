"""Score statistics equal a direct numpy computation."""

import math
import os.path as osp

import numpy as np
import torch
from mmengine.config import Config
from mmengine.model import revert_sync_batchnorm
from mmpretrain.registry import MODELS

from ftcl_mm.models.score_stats import STAT_NAMES, ScoreRecorder, step_stats

from ..conftest import ROOT


def test_step_stats_match_numpy():
    rng = np.random.default_rng(0)
    pos, neg = rng.normal(size=8), rng.normal(size=(8, 50))
    pos_ft, neg_ft = pos - 0.3, neg * 0.5
    lam = {'pos': torch.tensor([[1.2], [1.6]]), 'neg': torch.tensor(0.4)}
    s = step_stats(
        *(
            torch.tensor(a, dtype=torch.float32)
            for a in (pos, neg, pos_ft, neg_ft)
        ),
        lambdas=lam,
    )
    got = dict(zip(STAT_NAMES, s.tolist()))
    expected = dict(
        pos_mean=pos.mean(),
        pos_var=pos.var(),
        neg_mean=neg.mean(),
        neg_var=neg.var(),
        pos_mean_ft=pos_ft.mean(),
        pos_var_ft=pos_ft.var(),
        neg_mean_ft=neg_ft.mean(),
        neg_var_ft=neg_ft.var(),
        lam_pos=1.4,
        lam_neg=0.4,
    )
    for k, v in expected.items():
        assert math.isclose(got[k], v, rel_tol=1e-5, abs_tol=1e-6), k


def test_missing_negatives_and_lambdas_are_nan():
    s = dict(zip(STAT_NAMES, step_stats(torch.ones(4), None).tolist()))
    assert s['pos_mean'] == 1 and s['pos_var'] == 0
    assert all(
        math.isnan(s[k]) for k in ('neg_mean', 'neg_var', 'lam_pos', 'lam_neg')
    )


def test_moco_records_scores_seen_by_the_loss():
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/selfsup/demo/mocov2_ft_demo.py')
    )
    torch.manual_seed(0)
    model = revert_sync_batchnorm(MODELS.build(cfg.model)).train()
    model.score_recorder = ScoreRecorder()
    seen = {}
    head_loss, encode = model.head.loss, model.encode

    def spy_head(pos, neg):
        seen['pos'], seen['neg'] = pos.detach(), neg.detach()
        return head_loss(pos, neg)

    def spy_encode(inputs):
        seen['q'], seen['k'] = (t.detach() for t in encode(inputs))
        return seen['q'], seen['k']

    model.head.loss, model.encode = spy_head, spy_encode
    queue = model.queue.clone()
    g = torch.Generator().manual_seed(0)
    model.loss(
        [torch.randn(4, 3, 32, 32, generator=g) for _ in range(2)], None
    )
    got = dict(zip(STAT_NAMES, model.score_recorder.take().tolist()))
    q, k = seen['q'].numpy(), seen['k'].numpy()
    before_pos = (q * k).sum(1)
    before_neg = q @ queue.numpy()
    after_pos, after_neg = seen['pos'].numpy(), seen['neg'].numpy()
    for key, arr in (
        ('pos', before_pos),
        ('neg', before_neg),
        ('pos_ft', after_pos),
        ('neg_ft', after_neg),
    ):
        base, suffix = key.split('_')[0], key[3:]
        assert math.isclose(
            got[f'{base}_mean{suffix}'], arr.mean(), rel_tol=1e-4, abs_tol=1e-6
        ), key
        assert math.isclose(
            got[f'{base}_var{suffix}'], arr.var(), rel_tol=1e-4, abs_tol=1e-7
        ), key
    # Extrapolation made the positives harder.
    assert got['pos_mean_ft'] < got['pos_mean']
    assert 1 < got['lam_pos'] < 2 and 0 < got['lam_neg'] < 1
