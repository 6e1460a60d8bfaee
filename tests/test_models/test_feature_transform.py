"""The Feature Transformation maths on known tensors."""

import os
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F

from ftcl_mm.models import FeatureTransform


def _unit(n, d, seed=0):
    g = torch.Generator().manual_seed(seed)
    return F.normalize(torch.randn(n, d, generator=g), dim=1)


def test_extrapolation_lowers_positive_score_as_derived():
    q, k = _unit(64, 16, 1), _unit(64, 16, 2)
    s = (q * k).sum(1)
    ft = FeatureTransform(neg=False, granularity='sample', seed=3)
    q_hat, k_hat = ft.extrapolate_positives(q, k)
    lam = ft.last_lambdas['pos'].squeeze(1)
    assert lam.shape == (64,) and (lam > 1).all() and (lam < 2).all()
    s_hat = (q_hat * k_hat).sum(1)
    expected = s + 2 * lam * (1 - lam) * (1 - s)
    torch.testing.assert_close(s_hat, expected, rtol=1e-5, atol=1e-6)
    assert (s_hat <= s + 1e-6).all()
    assert (s_hat >= 5 * s - 4 - 1e-5).all()


def test_explicit_lambda_matches_formula():
    q = torch.tensor([[1.0, 0.0]])
    k = torch.tensor([[0.0, 1.0]])
    ft = FeatureTransform(neg=False)
    q_hat, k_hat = ft.extrapolate_positives(q, k, lam=torch.tensor(1.5))
    torch.testing.assert_close(q_hat, torch.tensor([[1.5, -0.5]]))
    torch.testing.assert_close(k_hat, torch.tensor([[-0.5, 1.5]]))


@pytest.mark.parametrize('layout', ['rows', 'moco-queue'])
def test_negatives_are_convex_mixes_of_queue_rows(layout):
    z = _unit(32, 8, 4)
    ft = FeatureTransform(pos=False, granularity='sample', seed=1)
    if layout == 'rows':
        z_in, z_hat = z, ft.interpolate_negatives(z, sample_dim=0)
    else:  # MoCo stores the queue as d x K
        z_in = z.t().contiguous()
        z_hat = ft.interpolate_negatives(z_in, sample_dim=1).t()
    lam = ft.last_lambdas['neg'].reshape(-1, 1)
    assert lam.shape == (32, 1) and (lam >= 0).all() and (lam <= 1).all()
    # Each mixed row minus its own share must be (1-lam) times *another*
    # original row, and the partners form a permutation.
    partner = (z_hat - lam * z) / (1 - lam)
    dist_to_rows = torch.cdist(partner, z)
    idx = dist_to_rows.argmin(1)
    assert torch.allclose(
        dist_to_rows.min(1).values, torch.zeros(32), atol=1e-3
    )
    assert sorted(idx.tolist()) == list(range(32))
    # The input (the stored queue) is untouched.
    assert torch.equal(z_in, z if layout == 'rows' else z.t())


@pytest.mark.parametrize('granularity', ['batch', 'sample'])
def test_score_mixing_equals_feature_mixing(granularity):
    anchors = _unit(6, 8, 1)
    queue = _unit(40, 8, 2).t().contiguous()  # d x K, as MoCo stores it
    by_scores = FeatureTransform(pos=False, granularity=granularity, seed=4)
    by_feats = FeatureTransform(pos=False, granularity=granularity, seed=4)
    assert by_scores.mixes_scores
    mixed_scores = by_scores.interpolate_negative_scores(anchors @ queue, 1)
    mixed_feats = anchors @ by_feats.interpolate_negatives(queue, 1)
    torch.testing.assert_close(mixed_scores, mixed_feats)
    assert not FeatureTransform(granularity='dim').mixes_scores
    assert not FeatureTransform(renorm=True).mixes_scores


@pytest.mark.parametrize(
    'granularity, pos_shape, neg_shape',
    [
        ('batch', (1, 1), (1, 1)),
        ('sample', (8, 1), (20, 1)),
        ('dim', (8, 6), (20, 6)),
    ],
)
def test_lambda_granularity(granularity, pos_shape, neg_shape):
    ft = FeatureTransform(granularity=granularity)
    ft.extrapolate_positives(_unit(8, 6), _unit(8, 6, 1))
    ft.interpolate_negatives(_unit(20, 6, 2))
    assert tuple(ft.last_lambdas['pos'].shape) == pos_shape
    assert tuple(ft.last_lambdas['neg'].shape) == neg_shape
    if granularity == 'dim':
        # One independent value per dimension (per sample).
        assert ft.last_lambdas['pos'][0].unique().numel() == 6
        assert ft.last_lambdas['neg'][0].unique().numel() == 6


def test_gradients_reach_query_not_key():
    q = _unit(4, 8).requires_grad_()
    k = _unit(4, 8, 1)
    ft = FeatureTransform(neg=False)
    q_hat, k_hat = ft.extrapolate_positives(q, k)
    assert q_hat.requires_grad and k_hat.requires_grad
    (q_hat * k_hat).sum().backward()
    assert q.grad is not None and q.grad.abs().sum() > 0
    assert not k.requires_grad and k.grad is None


def test_renorm_projects_to_unit_sphere():
    ft = FeatureTransform(renorm=True, granularity='dim')
    q_hat, k_hat = ft.extrapolate_positives(_unit(5, 4), _unit(5, 4, 1))
    z_hat = ft.interpolate_negatives(_unit(9, 4, 2))
    for t in (q_hat, k_hat, z_hat):
        torch.testing.assert_close(t.norm(dim=1), torch.ones(len(t)))


def test_disabled_is_identity():
    q, k, z = _unit(4, 8), _unit(4, 8, 1), _unit(10, 8, 2)
    ft = FeatureTransform(enabled=False)
    q_hat, k_hat = ft.extrapolate_positives(q, k)
    assert q_hat is q and k_hat is k
    assert ft.interpolate_negatives(z) is z


def _draw(seed, step):
    ft = FeatureTransform(granularity='dim', seed=seed)
    ft.step = step
    ft.extrapolate_positives(_unit(4, 8), _unit(4, 8, 1))
    ft.interpolate_negatives(_unit(16, 8, 2))
    return ft.last_lambdas['pos'].clone(), ft.last_lambdas['neg'].clone()


def test_reproducible_per_seed_and_step():
    a, b = _draw(7, 3), _draw(7, 3)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(_draw(8, 3)[0], a[0])
    assert not torch.equal(_draw(7, 4)[0], a[0])


def test_step_survives_state_dict_round_trip():
    ft = FeatureTransform(seed=5)
    for _ in range(3):
        ft.next_step()
    other = FeatureTransform(seed=0)
    other.load_state_dict(ft.state_dict())
    assert other.step == 3 and other.seed == 5


def test_interpolation_mode_raises_positive_score_as_derived():
    q, k = _unit(64, 16, 1), _unit(64, 16, 2)
    s = (q * k).sum(1)
    ft = FeatureTransform(
        neg=False, granularity='sample', seed=3, pos_mode='interpolate'
    )
    q_hat, k_hat = ft.extrapolate_positives(q, k)
    lam = ft.last_lambdas['pos'].squeeze(1)
    assert (lam > 0).all() and (lam < 1).all()
    s_hat = (q_hat * k_hat).sum(1)
    torch.testing.assert_close(
        s_hat, s + 2 * lam * (1 - lam) * (1 - s), rtol=1e-5, atol=1e-6
    )
    assert (s_hat >= s - 1e-6).all()  # easier positives, not harder
    # the same draws as extrapolation, shifted by one: one stream, one owner
    ex = FeatureTransform(neg=False, granularity='sample', seed=3)
    ex.extrapolate_positives(q, k)
    torch.testing.assert_close(ex.last_lambdas['pos'], 1 + lam.unsqueeze(1))


def test_invalid_options():
    with pytest.raises(ValueError, match='pos_mode'):
        FeatureTransform(pos_mode='both')
    with pytest.raises(ValueError, match='granularity'):
        FeatureTransform(granularity='pixel')
    with pytest.raises(ValueError, match='pos_alpha'):
        FeatureTransform(pos_alpha=0)


def _rank_worker(rank, world, port, out):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=world)
    # Different local features on each rank; lambdas must still agree.
    ft = FeatureTransform(granularity='sample', seed=11)
    ft.step = 5
    ft.extrapolate_positives(_unit(4, 8, rank), _unit(4, 8, 10 + rank))
    ft.interpolate_negatives(_unit(16, 8, 20 + rank))
    lams = torch.cat(
        [ft.last_lambdas['pos'].flatten(), ft.last_lambdas['neg'].flatten()]
    )
    gathered = [torch.empty_like(lams) for _ in range(world)]
    dist.all_gather(gathered, lams)
    if rank == 0:
        out.put([g.tolist() for g in gathered])
    dist.destroy_process_group()


@pytest.mark.slow
def test_same_lambdas_on_two_gloo_ranks():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    ctx = mp.get_context('spawn')
    out = ctx.SimpleQueue()
    mp.start_processes(
        _rank_worker, args=(2, port, out), nprocs=2, start_method='spawn'
    )
    r0, r1 = out.get()
    assert r0 == r1
    assert len(set(r0)) > 1  # real draws, not a constant


def test_bounded_extrapolation_draws_in_range():
    """lam = 1 + (lam_max - 1) Beta: in [1, lam_max]; 2.0 is the paper's
    1 + Beta, draw for draw."""
    q = torch.nn.functional.normalize(torch.randn(64, 16), dim=1)
    bounded = FeatureTransform(granularity='sample', pos_lambda_max=1.5)
    paper = FeatureTransform(granularity='sample')
    a, b = bounded.positive_lambda(q), paper.positive_lambda(q)
    assert 1 <= a.min() and a.max() <= 1.5
    assert torch.allclose(a - 1, (b - 1) * 0.5)
    with pytest.raises(ValueError, match='pos_lambda_max must be a finite'):
        FeatureTransform(pos_lambda_max=0.9)
