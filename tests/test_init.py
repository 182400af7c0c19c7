"""Tests for embedlib.init: schemes measured against their theory, padding, reproducibility."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from embedlib.init import (
    INIT_SCHEMES,
    InitScheme,
    _get_scheme,
    init_embedding,
    make_table,
    table_stats,
)

NUM_EMBEDDINGS, EMBEDDING_DIM = 3000, 48  # 144,000 values: std measured to well under 1%


@pytest.mark.parametrize("name", list(INIT_SCHEMES))
def test_measured_std_matches_theory(name):
    weight = make_table(NUM_EMBEDDINGS, EMBEDDING_DIM, name, seed=0)
    theory = INIT_SCHEMES[name].theoretical_std(NUM_EMBEDDINGS, EMBEDDING_DIM)
    measured = weight.double().std().item()
    assert abs(measured / theory - 1) < 0.01
    assert abs(weight.double().mean().item()) < 0.01 * theory + 1e-12


def test_fan_in_is_embedding_dim_for_torch():
    # Hand formulas, written independently of the module: fan_in = dim 1, fan_out = dim 0.
    n, d = 1000, 10
    assert math.isclose(INIT_SCHEMES["kaiming_normal"].theoretical_std(n, d), math.sqrt(2 / d))
    assert math.isclose(
        INIT_SCHEMES["kaiming_normal"].theoretical_std(n, d, mode="fan_out"), math.sqrt(2 / n)
    )
    assert math.isclose(INIT_SCHEMES["xavier_normal"].theoretical_std(n, d), math.sqrt(2 / (n + d)))
    # ... and torch agrees: fan_in=10 gives a std near sqrt(0.2), not sqrt(0.002).
    measured = make_table(n, d, "kaiming_normal", seed=1).std().item()
    assert abs(measured - math.sqrt(2 / d)) < 0.02


@pytest.mark.parametrize("name", ["uniform", "xavier_uniform", "kaiming_uniform", "trunc_normal"])
def test_bounded_schemes_stay_inside_their_support(name):
    weight = make_table(500, 32, name, seed=0)
    x = torch.linspace(-10, 10, 20001)
    pdf = INIT_SCHEMES[name].density(x, 500, 32)
    support = x[pdf > 0]
    assert weight.min() >= support.min() - 1e-3
    assert weight.max() <= support.max() + 1e-3


@pytest.mark.parametrize("name", list(INIT_SCHEMES))
def test_density_integrates_to_one_and_has_the_theoretical_variance(name):
    n, d = 200, 16
    std = INIT_SCHEMES[name].theoretical_std(n, d)
    x = torch.linspace(-8 * std, 8 * std, 400_001, dtype=torch.float64)
    pdf = INIT_SCHEMES[name].density(x, n, d)
    assert torch.trapezoid(pdf, x).item() == pytest.approx(1.0, abs=1e-3)
    variance = torch.trapezoid(pdf * x**2, x).item()
    assert math.sqrt(variance) == pytest.approx(std, rel=1e-3)


def test_trunc_normal_std_against_rejection_sampling():
    samples = torch.randn(400_000, generator=torch.Generator().manual_seed(3))
    kept = samples[samples.abs() <= 2]  # N(0, 1) cut to [-2, 2]
    theory = INIT_SCHEMES["trunc_normal"].theoretical_std(10, 10)
    assert abs(kept.std().item() - theory) < 0.005
    assert theory < 0.9  # the parent std 1 is NOT the result's std


def test_init_embedding_rezeroes_padding_row_that_raw_init_overwrites():
    emb = nn.Embedding(10, 4, padding_idx=3)
    assert emb.weight[3].abs().sum().item() == 0
    with torch.no_grad():
        nn.init.normal_(emb.weight)
    assert emb.weight[3].abs().sum().item() > 0  # raw init broke the padding row
    returned = init_embedding(emb, "kaiming_uniform")
    assert returned is emb
    assert emb.weight[3].abs().sum().item() == 0
    assert emb.weight.requires_grad and emb.weight.grad is None


def test_init_embedding_without_padding_touches_every_row():
    emb = init_embedding(nn.Embedding(6, 3), "uniform", a=5.0, b=6.0)
    assert bool(((emb.weight >= 5) & (emb.weight <= 6)).all())


def test_same_seed_same_table_and_global_rng_untouched():
    torch.manual_seed(123)
    expected_next = torch.rand(3)
    torch.manual_seed(123)
    first = make_table(20, 5, "xavier_normal", seed=7)
    assert torch.equal(torch.rand(3), expected_next)
    assert torch.equal(first, make_table(20, 5, "xavier_normal", seed=7))
    assert not torch.equal(first, make_table(20, 5, "xavier_normal", seed=8))


def test_generator_matches_default_reset_parameters():
    torch.manual_seed(0)
    default = nn.Embedding(7, 3).weight.detach()
    emb = init_embedding(nn.Embedding(7, 3), "normal", generator=torch.Generator().manual_seed(0))
    assert torch.equal(emb.weight.detach(), default)


@settings(max_examples=30, deadline=None)
@given(
    rows=st.integers(2, 12),
    cols=st.integers(1, 6),
    seed=st.integers(0, 10_000),
)
def test_table_stats_against_plain_python(rows, cols, seed):
    weight = torch.randn(rows, cols, generator=torch.Generator().manual_seed(seed))
    values = weight.flatten().tolist()
    mean = sum(values) / len(values)
    stats = table_stats(weight)
    assert stats.mean == pytest.approx(mean, abs=1e-6)
    assert stats.std == pytest.approx(
        math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)), abs=1e-5
    )
    assert stats.min == min(values) and stats.max == max(values)
    for i, row in enumerate(weight.tolist()):
        assert stats.row_norms[i].item() == pytest.approx(math.hypot(*row), rel=1e-5)
    assert stats.mean_row_norm == pytest.approx(stats.row_norms.double().mean().item(), rel=1e-5)
    assert stats.column_means.shape == (cols,) and stats.column_stds.shape == (cols,)
    assert stats.column_means[0].item() == pytest.approx(weight[:, 0].mean().item(), abs=1e-6)


NAN, INF = float("nan"), float("inf")


def test_scaled_normal_divides_by_the_square_root_of_embedding_dim_not_num_embeddings():
    num_embeddings, embedding_dim = 4000, 16
    expected = 1 / math.sqrt(embedding_dim)  # 0.25; 1 / sqrt(num_embeddings) would be 0.016
    scheme = INIT_SCHEMES["scaled_normal"]
    assert scheme.theoretical_std(num_embeddings, embedding_dim) == expected
    table = make_table(num_embeddings, embedding_dim, "scaled_normal", seed=0)
    assert table.std().item() == pytest.approx(expected, rel=0.02)
    assert table.norm(dim=1).mean().item() == pytest.approx(1.0, rel=0.03)  # rows of norm ~1
    peak = scheme.density(torch.tensor([0.0]), num_embeddings, embedding_dim).item()
    assert peak == pytest.approx(1 / (expected * math.sqrt(2 * math.pi)), rel=1e-5)


def test_registry_entries_are_frozen_schemes():
    scheme = _get_scheme("scaled_normal")
    assert isinstance(scheme, InitScheme) and _get_scheme(scheme) is scheme
    with pytest.raises(AttributeError):
        scheme.name = "other"  # type: ignore[misc]


def test_unknown_scheme_lists_valid_names():
    with pytest.raises(ValueError, match=r"scheme 'gaussian' is unknown; valid .*xavier_uniform"):
        make_table(3, 3, "gaussian", seed=0)
    with pytest.raises(ValueError, match="valid scheme names"):
        init_embedding(nn.Embedding(3, 2), "nope")


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: make_table(0, 3, "normal", seed=0), ValueError, "num_embeddings must be"),
        (lambda: make_table(3, 2.5, "normal", seed=0), TypeError, "embedding_dim must be an int"),
        (lambda: make_table(3, 3, "normal", seed=None), TypeError, "seed must be an int, got None"),
        (lambda: make_table(10**6, 10**3, "normal", seed=0), ValueError, "1,000,000,000 values"),
        (
            lambda: make_table(3, 3, "normal_sigma", seed=0, sigma=NAN),
            ValueError,
            "sigma must be a fin",
        ),
        (
            lambda: make_table(3, 3, "normal_sigma", seed=0, sigma="x"),
            TypeError,
            "sigma must be a num",
        ),
        (
            lambda: make_table(3, 3, "xavier_normal", seed=0, gain=INF),
            ValueError,
            "gain must be a fin",
        ),
        (lambda: make_table(3, 3, "uniform", seed=0, a=-INF), ValueError, "a must be a finite"),
        (
            lambda: make_table(3, 3, "kaiming_normal", seed=0, nonlinearity="x"),
            ValueError,
            "'x' is",
        ),
        (lambda: init_embedding(nn.Embedding(3, 2), "normal", generator=1), TypeError, "Generator"),
        (lambda: INIT_SCHEMES["normal"].density("x", 3, 2), TypeError, "x must be a real tensor"),
        (lambda: make_table(3, 3, "normal", seed=0.5), TypeError, "seed must be an int"),
        (lambda: make_table(3, 3, "uniform", seed=0, c=1), TypeError, "its parameters: a, b"),
        (lambda: make_table(3, 3, "uniform", seed=0, a=1.0, b=0.0), ValueError, "need a < b"),
        (lambda: make_table(3, 3, "normal_sigma", seed=0, sigma=-1), ValueError, "sigma must"),
        (lambda: make_table(3, 3, "kaiming_uniform", seed=0, mode="in"), ValueError, "fan_in"),
        (lambda: make_table(3, 3, "trunc_normal", seed=0, mean=5.0), ValueError, "inside"),
        (lambda: init_embedding(nn.Linear(2, 2), "normal"), TypeError, "nn.Embedding"),
        (lambda: table_stats(torch.zeros(3)), ValueError, r"weight must be 2-D.*unsqueeze\(0\)"),
        (lambda: table_stats(torch.zeros(3, 2, dtype=torch.long)), TypeError, "floating-point"),
        (lambda: table_stats(torch.zeros(0, 2)), ValueError, "at least one row"),
    ],
)
def test_bad_input_messages(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
