"""embedlib.norms: renorm_preview (the max_norm widgets' compute) against the real max_norm
forward, changed_rows against a row-by-row loop, clip_sparse_grad_norm_ against clip_grad_norm_."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from embedlib.norms import changed_rows, clip_sparse_grad_norm_, renorm_preview


def _real_forward(weight: torch.Tensor, ids: torch.Tensor, max_norm: float, norm_type: float):
    """The table the real module leaves after one forward (the oracle)."""
    emb = nn.Embedding.from_pretrained(weight.clone(), max_norm=max_norm, norm_type=norm_type)
    out = emb(ids)
    return emb.weight.detach(), out.detach()


@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.0, math.inf])
def test_preview_matches_module(norm_type):
    weight = torch.randn(10, 5, generator=torch.Generator().manual_seed(1)) * 2
    ids = torch.tensor([[0, 3, 3], [7, 0, 9]])
    preview = renorm_preview(weight, ids, max_norm=1.5, norm_type=norm_type)
    real_weight, real_out = _real_forward(weight, ids, 1.5, norm_type)
    assert torch.allclose(preview.weight_after, real_weight, atol=1e-6)
    # the output of the forward is made of the renormalised rows
    assert torch.allclose(real_out, preview.weight_after[ids], atol=1e-6)


def test_only_looked_up_rows_change_and_only_if_too_long():
    weight = torch.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0], [0.0, 9.0]])
    preview = renorm_preview(weight, torch.tensor([0, 1, 1]), max_norm=1.0)
    assert preview.looked_up.tolist() == [True, True, False, False]
    assert preview.renormalised.tolist() == [True, False, False, False]
    assert torch.equal(preview.weight_after[1:], weight[1:])  # untouched rows bit-identical
    assert torch.allclose(preview.weight_after[0], torch.tensor([0.6, 0.8]))
    assert preview.norms_before.tolist() == pytest.approx([5.0, 0.5, 10.0, 9.0])  # by hand


@pytest.mark.parametrize(
    ("norm_type", "norm", "renormalised"),
    [(1.0, 7.0, True), (2.0, 5.0, False), (math.inf, 4.0, False)],  # row [3, -4], max_norm 6
)
def test_preview_uses_the_norm_type_it_is_given(norm_type, norm, renormalised):
    weight = torch.tensor([[3.0, -4.0], [0.1, 0.1]])
    preview = renorm_preview(weight, torch.tensor([0]), max_norm=6.0, norm_type=norm_type)
    assert preview.norms_before[0].item() == pytest.approx(norm)
    assert preview.renormalised.tolist() == [renormalised, False]
    scale = 6.0 / (norm + 1e-7) if renormalised else 1.0
    assert torch.allclose(preview.weight_after[0], weight[0] * scale)
    assert preview.norms_after[0].item() == pytest.approx(min(norm, 6.0), rel=1e-6)
    real_weight, _ = _real_forward(weight, torch.tensor([0]), 6.0, norm_type)
    assert torch.allclose(preview.weight_after, real_weight)


def test_preview_does_not_modify_weight():
    weight = torch.full((3, 2), 5.0)
    before = weight.clone()
    renorm_preview(weight, torch.tensor([0, 1, 2]), max_norm=1.0)
    assert torch.equal(weight, before)


def test_result_is_frozen():
    result = renorm_preview(torch.ones(2, 2), torch.tensor([0]), max_norm=1.0)
    with pytest.raises(AttributeError):
        result.max_norm = 2.0


@settings(max_examples=40, deadline=None)
@given(
    rows=st.integers(1, 8),
    dim=st.integers(1, 6),
    max_norm=st.floats(0.05, 5.0),
    norm_type=st.sampled_from([1.0, 2.0, 2.5, math.inf]),
    seed=st.integers(0, 2**16),
    n_ids=st.integers(0, 12),
)
def test_property_preview_matches_module(rows, dim, max_norm, norm_type, seed, n_ids):
    gen = torch.Generator().manual_seed(seed)
    weight = torch.randn(rows, dim, generator=gen) * 3
    ids = torch.randint(0, rows, (n_ids,), generator=gen)
    preview = renorm_preview(weight, ids, max_norm, norm_type)
    real_weight, _ = _real_forward(weight, ids, max_norm, norm_type)
    assert torch.allclose(preview.weight_after, real_weight, atol=1e-5, rtol=1e-5)
    # every looked-up row ends within max_norm (up to the 1e-7 epsilon and float32 rounding)
    after = torch.linalg.vector_norm(real_weight, ord=norm_type, dim=1)
    assert bool((after[preview.looked_up] <= max_norm * (1 + 1e-5)).all())


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"max_norm": 0.0}, ValueError, "max_norm must be > 0"),
        ({"max_norm": -1.0}, ValueError, "flips their sign"),
        ({"max_norm": float("nan")}, ValueError, "max_norm must be > 0"),
        ({"max_norm": "1"}, TypeError, "max_norm must be a positive number"),
        ({"max_norm": 1.0, "norm_type": 0.0}, ValueError, "norm_type must be > 0"),
        ({"max_norm": 1.0, "norm_type": -2.0}, ValueError, "norm_type must be > 0"),
        ({"max_norm": 1.0, "norm_type": "l2"}, TypeError, "norm_type must be a number"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        renorm_preview(torch.ones(3, 2), torch.tensor([0]), **kwargs)


def test_bad_ids_and_weight():
    weight = torch.ones(3, 2)
    with pytest.raises(ValueError, match=r"largest id 3.*max_id \+ 1 = 4"):
        renorm_preview(weight, torch.tensor([0, 3]), 1.0)
    with pytest.raises(ValueError, match=r"smallest id -1"):
        renorm_preview(weight, torch.tensor([-1]), 1.0)
    with pytest.raises(TypeError, match=r"ids have dtype torch\.float32"):
        renorm_preview(weight, torch.tensor([0.0]), 1.0)
    with pytest.raises(ValueError, match="weight must be 2-D"):
        renorm_preview(torch.ones(3), torch.tensor([0]), 1.0)
    with pytest.raises(TypeError, match="floating-point"):
        renorm_preview(torch.ones(3, 2, dtype=torch.long), torch.tensor([0]), 1.0)
    with pytest.raises(TypeError, match=r"weight must be a torch\.Tensor"):
        renorm_preview([[1.0, 2.0]], torch.tensor([0]), 1.0)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12), st.integers(1, 5), st.lists(st.integers(0, 11), max_size=6))
def test_matches_a_row_by_row_loop(rows: int, dim: int, edits: list[int]) -> None:
    before = torch.randn(rows, dim)
    after = before.clone()
    for row in edits:
        if row < rows:
            after[row, row % dim] += 1.0
    expected = [r for r in range(rows) if not torch.equal(before[r], after[r])]
    assert changed_rows(before, after).tolist() == expected


def test_a_row_that_becomes_nan_counts_as_changed() -> None:
    before = torch.zeros(4, 2)
    after = before.clone()
    after[1, 0] = float("nan")  # became NaN
    after[3] = float("inf")  # became inf
    assert changed_rows(before, after).tolist() == [1, 3]
    assert changed_rows(before, after, atol=1e6).tolist() == [1, 3]  # no tolerance hides NaN
    assert changed_rows(after, after.clone()).tolist() == []  # NaN stayed NaN, inf stayed inf
    assert changed_rows(after, before).tolist() == [1, 3]  # and NaN that became a number


def test_atol_ignores_tiny_moves() -> None:
    before = torch.zeros(3, 2)
    after = before + torch.tensor([[0.0, 0.0], [1e-9, 0.0], [0.1, 0.0]])
    assert changed_rows(before, after, atol=1e-6).tolist() == [2]


def test_errors_say_what_to_pass() -> None:
    with pytest.raises(ValueError, match="same table"):
        changed_rows(torch.zeros(3, 2), torch.zeros(4, 2))
    with pytest.raises(ValueError, match=r"before must be 2-D.*before\.unsqueeze\(0\)"):
        changed_rows(torch.zeros(3), torch.zeros(3))
    with pytest.raises(TypeError, match=r"after must be a torch\.Tensor"):
        changed_rows(torch.zeros(3, 2), [[0.0, 0.0]])
    with pytest.raises(ValueError, match="atol"):
        changed_rows(torch.zeros(3, 2), torch.zeros(3, 2), atol=-1)


def _sparse_and_dense_twins(ids: torch.Tensor, seed: int = 0) -> tuple[nn.Embedding, nn.Embedding]:
    """Two tables with the same weights, one sparse and one dense, after the same backward."""
    weight = torch.randn(10, 4, generator=torch.Generator().manual_seed(seed))
    sparse = nn.Embedding(10, 4, sparse=True, _weight=weight.clone())
    dense = nn.Embedding(10, 4, _weight=weight.clone())
    for table in (sparse, dense):
        table(ids).pow(2).sum().backward()
    return sparse, dense


@pytest.mark.parametrize("max_norm", [0.5, 1e6])  # clipped, and left alone
def test_clip_sparse_grad_norm_matches_clip_grad_norm_on_a_dense_copy(max_norm):
    ids = torch.tensor([0, 3, 3, 9])
    sparse, dense = _sparse_and_dense_twins(ids)
    expected_norm = torch.nn.utils.clip_grad_norm_(dense.parameters(), max_norm=max_norm)
    total_norm = clip_sparse_grad_norm_(sparse.weight, max_norm=max_norm)
    assert sparse.weight.grad.is_sparse
    assert total_norm == pytest.approx(expected_norm.item(), rel=1e-6)
    assert torch.allclose(sparse.weight.grad.to_dense(), dense.weight.grad, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(
    ids=st.lists(st.integers(0, 9), min_size=1, max_size=12),
    max_norm=st.floats(0.01, 100.0),
    seed=st.integers(0, 1000),
)
def test_property_clip_sparse_grad_norm_oracle(ids, max_norm, seed):
    sparse, dense = _sparse_and_dense_twins(torch.tensor(ids), seed)
    torch.nn.utils.clip_grad_norm_(dense.parameters(), max_norm=max_norm)
    clip_sparse_grad_norm_(sparse.weight, max_norm=max_norm)
    assert torch.allclose(sparse.weight.grad.to_dense(), dense.weight.grad, rtol=1e-5, atol=1e-6)
    assert sparse.weight.grad.to_dense().norm().item() <= max_norm * (1 + 1e-5)


def test_clip_sparse_grad_norm_errors():
    table = nn.Embedding(3, 2, sparse=True)
    with pytest.raises(ValueError, match=r"grad is None: call backward\(\)"):
        clip_sparse_grad_norm_(table.weight, max_norm=1.0)
    table(torch.tensor([1])).sum().backward()
    with pytest.raises(ValueError, match="max_norm must be a finite number > 0, got 0"):
        clip_sparse_grad_norm_(table.weight, max_norm=0)
    with pytest.raises(TypeError, match="max_norm must be a number"):
        clip_sparse_grad_norm_(table.weight, max_norm="1")
    with pytest.raises(TypeError, match="parameter must be a tensor"):
        clip_sparse_grad_norm_(table, max_norm=1.0)
    dense = nn.Embedding(3, 2)
    dense(torch.tensor([1])).sum().backward()
    with pytest.raises(ValueError, match=r"dense .* torch\.nn\.utils\.clip_grad_norm_"):
        clip_sparse_grad_norm_(dense.weight, max_norm=1.0)
