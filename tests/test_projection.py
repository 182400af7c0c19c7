"""fit_pca: the same projection as torch's own PCA (up to sign), with a fixed sign, and checks."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from embedlib.projection import fit_pca


def _table(rows: int = 40, dim: int = 6, seed: int = 0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    scales = torch.linspace(3.0, 0.5, dim)  # distinct variances: a well-defined order
    return torch.randn(rows, dim, generator=generator, dtype=torch.float64) * scales + 1.5


@pytest.mark.parametrize("k", [1, 2, 3])
def test_projection_matches_torch_pca_lowrank_up_to_sign(k):
    table = _table()
    projected = fit_pca(table, k=k)(table)
    _, _, v = torch.pca_lowrank(table, q=table.shape[1], center=True, niter=10)
    oracle = (table - table.mean(dim=0)) @ v[:, :k]
    torch.testing.assert_close(projected.abs(), oracle.abs(), rtol=1e-6, atol=1e-8)


def test_components_are_orthonormal_and_ordered_by_variance():
    table = _table(dim=5)
    pca = fit_pca(table, k=3)
    torch.testing.assert_close(pca.components @ pca.components.T, torch.eye(3, dtype=torch.float64))
    coordinates = pca(table)
    variance = coordinates.var(dim=0)
    assert (variance[:-1] >= variance[1:]).all()
    total = (table - table.mean(dim=0)).var(dim=0).sum()
    torch.testing.assert_close(pca.explained_variance_ratio, variance / total)


def test_sign_is_fixed_so_a_mirrored_table_gives_the_same_axes():
    table = _table()
    pca = fit_pca(table)
    largest = pca.components.abs().argmax(dim=1)
    assert (pca.components[torch.arange(2), largest] > 0).all()
    mirrored = fit_pca(-table)
    torch.testing.assert_close(mirrored.components, pca.components)
    torch.testing.assert_close(mirrored(-table), -pca(table))


def test_a_fitted_projection_is_reused_on_other_tables():
    table, later = _table(seed=0), _table(seed=1)
    pca = fit_pca(table)
    expected = (later - table.mean(dim=0)) @ pca.components.T
    torch.testing.assert_close(pca(later), expected)


def test_dtype_is_kept():
    table = _table().float()
    pca = fit_pca(table)
    assert pca.components.dtype == torch.float32 and pca(table).dtype == torch.float32


@pytest.mark.parametrize(
    ("weight", "k", "error", "pattern"),
    [
        (
            [[1.0, 2.0], [3.0, 4.0]],
            1,
            TypeError,
            r"weight must be a torch.Tensor of shape \(num_embeddings, embedding_dim\), got list",
        ),
        (torch.ones(3, 2, dtype=torch.long), 1, TypeError, r"dtype torch.int64.*\.float\(\)"),
        (torch.ones(4), 1, ValueError, r"must be 2-D.*shape \(4,\).*unsqueeze"),
        (torch.ones(2, 3, 4), 1, ValueError, r"must be 2-D.*\(2, 3, 4\)"),
        (torch.ones(1, 4), 1, ValueError, "at least 2 rows"),
        (torch.tensor([[0.0, 1.0], [float("nan"), 2.0]]), 1, ValueError, r"weight\[1, 0\] = nan"),
        (torch.tensor([[0.0, float("inf")], [1.0, 2.0]]), 1, ValueError, "must be finite"),
        (torch.ones(5, 3), 4, ValueError, "k must be at most 3, got 4"),
        (torch.ones(5, 3), 0, ValueError, "k must be an int >= 1, got 0"),
        (
            torch.ones(5, 3),
            2.0,
            TypeError,
            r"k must be an int, got 2\.0 \(float\); pass a whole number such as 2",
        ),
        (
            nn.Embedding(4, 3),
            1,
            TypeError,
            r"got an nn.Embedding module; pass its table, embedding.weight",
        ),
    ],
)
def test_bad_input_is_refused_with_the_fix(weight, k, error, pattern):
    with pytest.raises(error, match=pattern):
        fit_pca(weight, k=k)


def test_projecting_a_table_of_another_width_is_refused():
    pca = fit_pca(_table(dim=6))
    with pytest.raises(ValueError, match=r"has 4 columns but this projection was fitted on .* 6"):
        pca(torch.ones(3, 4, dtype=torch.float64))


def test_a_constant_table_projects_to_zero_without_dividing_by_zero():
    pca = fit_pca(torch.ones(4, 3))
    assert torch.equal(pca(torch.ones(4, 3)), torch.zeros(4, 2))
    assert torch.equal(pca.explained_variance_ratio, torch.zeros(2))
