"""embedlib.init: each scheme the plots draw, measured against its theory; reproducible tables."""

import math

import pytest
import torch
from torch import nn

from embedlib.init import SCHEMES, InitScheme, get_scheme, make_table

NUM_EMBEDDINGS, EMBEDDING_DIM = 3000, 48  # 144,000 values: std measured to well under 1%


@pytest.mark.parametrize("name", list(SCHEMES))
def test_measured_std_matches_theory(name):
    weight = make_table(NUM_EMBEDDINGS, EMBEDDING_DIM, name, seed=0)
    theory = SCHEMES[name].std(NUM_EMBEDDINGS, EMBEDDING_DIM)
    measured = weight.double().std().item()
    assert abs(measured / theory - 1) < 0.01
    assert abs(weight.double().mean().item()) < 0.01 * theory + 1e-12


def test_fan_in_is_embedding_dim_for_torch():
    # Hand formulas, written independently of the module: fan_in = dim 1, fan_out = dim 0.
    n, d = 1000, 10
    assert math.isclose(SCHEMES["kaiming_normal"].std(n, d), math.sqrt(2 / d))
    assert math.isclose(SCHEMES["xavier_normal"].std(n, d), math.sqrt(2 / (n + d)))
    # ... and torch agrees: fan_in=10 gives a std near sqrt(0.2), not sqrt(0.002).
    measured = make_table(n, d, "kaiming_normal", seed=1).std().item()
    assert abs(measured - math.sqrt(2 / d)) < 0.02


@pytest.mark.parametrize("name", ["uniform", "xavier_uniform", "kaiming_uniform", "trunc_normal"])
def test_bounded_schemes_stay_inside_their_support(name):
    weight = make_table(500, 32, name, seed=0)
    x = torch.linspace(-10, 10, 20001)
    support = x[SCHEMES[name].density(x, 500, 32) > 0]
    assert weight.min() >= support.min() - 1e-3
    assert weight.max() <= support.max() + 1e-3


@pytest.mark.parametrize("name", list(SCHEMES))
def test_density_integrates_to_one_and_has_the_theoretical_variance(name):
    n, d = 200, 16
    std = SCHEMES[name].std(n, d)
    x = torch.linspace(-8 * std, 8 * std, 400_001, dtype=torch.float64)
    pdf = SCHEMES[name].density(x, n, d)
    assert torch.trapezoid(pdf, x).item() == pytest.approx(1.0, abs=1e-3)
    variance = torch.trapezoid(pdf * x**2, x).item()
    assert math.sqrt(variance) == pytest.approx(std, rel=1e-3)


def test_trunc_normal_std_against_rejection_sampling():
    samples = torch.randn(400_000, generator=torch.Generator().manual_seed(3))
    kept = samples[samples.abs() <= 2]  # N(0, 1) cut to [-2, 2]
    theory = SCHEMES["trunc_normal"].std(10, 10)
    assert abs(kept.std().item() - theory) < 0.005
    assert theory < 0.9  # the parent std 1 is NOT the result's std


def test_same_seed_same_table_and_global_rng_untouched():
    torch.manual_seed(123)
    expected_next = torch.rand(3)
    torch.manual_seed(123)
    first = make_table(20, 5, "xavier_normal", seed=7)
    assert torch.equal(torch.rand(3), expected_next)
    assert torch.equal(first, make_table(20, 5, "xavier_normal", seed=7))
    assert not torch.equal(first, make_table(20, 5, "xavier_normal", seed=8))


def test_the_normal_scheme_draws_what_nn_embedding_draws():
    torch.manual_seed(0)
    default = nn.Embedding(7, 3).weight.detach()
    assert torch.equal(make_table(7, 3, "normal", seed=0), default)


def test_scaled_normal_divides_by_the_square_root_of_embedding_dim_not_num_embeddings():
    num_embeddings, embedding_dim = 4000, 16
    expected = 1 / math.sqrt(embedding_dim)  # 0.25; 1 / sqrt(num_embeddings) would be 0.016
    scheme = SCHEMES["scaled_normal"]
    assert scheme.std(num_embeddings, embedding_dim) == expected
    table = make_table(num_embeddings, embedding_dim, "scaled_normal", seed=0)
    assert table.std().item() == pytest.approx(expected, rel=0.02)
    assert table.norm(dim=1).mean().item() == pytest.approx(1.0, rel=0.03)  # rows of norm ~1
    peak = scheme.density(torch.tensor([0.0]), num_embeddings, embedding_dim).item()
    assert peak == pytest.approx(1 / (expected * math.sqrt(2 * math.pi)), rel=1e-5)


def test_registry_entries_are_frozen_schemes():
    scheme = get_scheme("scaled_normal")
    assert isinstance(scheme, InitScheme) and scheme is SCHEMES["scaled_normal"]
    with pytest.raises(AttributeError):
        scheme.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: make_table(3, 3, "gaussian", seed=0), ValueError, r"gaussian.*xavier"),
        (lambda: make_table(3, 3, None, seed=0), ValueError, "valid: normal"),
        (lambda: make_table(0, 3, "normal", seed=0), ValueError, "num_embeddings must be"),
        (lambda: make_table(3, 2.5, "normal", seed=0), TypeError, "embedding_dim must be an int"),
        (lambda: make_table(3, 3, "normal", seed=None), TypeError, "seed must be an int, got None"),
        (lambda: make_table(3, 3, "normal", seed=0.5), TypeError, "seed must be an int"),
        (lambda: make_table(10**6, 10**3, "normal", seed=0), ValueError, "1,000,000,000 values"),
    ],
)
def test_bad_input_messages(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
