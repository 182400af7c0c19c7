"""row_gradients vs hand counts, id_counts vs a Counter, clip_sparse_grad_norm_ vs torch."""

from __future__ import annotations

from collections import Counter

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from embedlib.grads import clip_sparse_grad_norm_, id_counts, row_gradients

IDS = torch.tensor([0, 0, 0, 1, 2, 2])


def test_plain_gradient_is_the_count():
    grad = row_gradients({"num_embeddings": 4, "embedding_dim": 1}, IDS)
    assert grad.flatten().tolist() == [3.0, 1.0, 2.0, 0.0]


def test_scale_grad_by_freq_divides_by_count():
    kwargs = {"num_embeddings": 4, "embedding_dim": 1, "scale_grad_by_freq": True}
    assert row_gradients(kwargs, IDS).flatten().tolist() == [1.0, 1.0, 1.0, 0.0]


def test_scale_grad_by_freq_counts_across_the_whole_batch():
    batch = torch.tensor([[0, 1], [0, 0]])  # id 0: once in sentence 0, twice in sentence 1
    upstream = torch.arange(1.0, 5.0).reshape(2, 2, 1)  # distinct weight per position
    kwargs = {"num_embeddings": 3, "embedding_dim": 1, "scale_grad_by_freq": True}
    grad = row_gradients(kwargs, batch, upstream=upstream).flatten()
    # by hand: row 0 collects 1 + 3 + 4 = 8 over 3 occurrences in the whole batch
    assert grad.tolist() == pytest.approx([8 / 3, 2 / 1, 0.0])


def test_padding_row_gets_zero_gradient():
    kwargs = {"num_embeddings": 3, "embedding_dim": 2, "padding_idx": 1}
    grad = row_gradients(kwargs, torch.tensor([1, 1, 2]))
    assert torch.equal(grad, torch.tensor([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]]))


def test_sparse_equals_dense():
    upstream = torch.randn(6, 3, generator=torch.Generator().manual_seed(0))
    dense = row_gradients({"num_embeddings": 5, "embedding_dim": 3}, IDS, upstream=upstream)
    sparse = row_gradients(
        {"num_embeddings": 5, "embedding_dim": 3, "sparse": True}, IDS, upstream=upstream
    )
    assert not sparse.is_sparse
    assert torch.allclose(dense, sparse)
    # oracle: one-hot matmul, out = onehot @ W so dL/dW = onehot.T @ upstream
    onehot = nn.functional.one_hot(IDS, 5).float()  # (6, 5)
    assert torch.allclose(dense, onehot.T @ upstream)


def test_module_is_not_modified():
    torch.manual_seed(0)
    emb = nn.Embedding(4, 2, max_norm=0.1)
    weight_before = emb.weight.detach().clone()
    grad = row_gradients(emb, torch.tensor([0, 0, 3]))
    assert emb.weight.grad is None
    assert torch.equal(emb.weight.detach(), weight_before)
    assert grad[:, 0].tolist() == [2.0, 0.0, 0.0, 1.0]


def test_does_not_consume_global_rng():
    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    row_gradients({"num_embeddings": 4, "embedding_dim": 2}, IDS)
    assert torch.equal(torch.rand(1), expected)


@settings(max_examples=40, deadline=None)
@given(ids=st.lists(st.integers(0, 6), min_size=1, max_size=20), scale=st.booleans())
def test_property_gradient_is_count_or_indicator(ids, scale):
    ids_tensor = torch.tensor(ids)
    kwargs = {"num_embeddings": 7, "embedding_dim": 2, "scale_grad_by_freq": scale}
    grad = row_gradients(kwargs, ids_tensor)
    counts = Counter(ids)
    expected = [(1.0 if counts[i] else 0.0) if scale else float(counts[i]) for i in range(7)]
    assert grad[:, 0].tolist() == pytest.approx(expected)
    assert grad[:, 1].tolist() == pytest.approx(expected)


@settings(max_examples=40, deadline=None)
@given(ids=st.lists(st.lists(st.integers(0, 9), min_size=3, max_size=3), min_size=1, max_size=5))
def test_property_id_counts(ids):
    counts = id_counts(torch.tensor(ids), 10)
    flat = Counter(i for row in ids for i in row)
    assert counts.tolist() == [flat[i] for i in range(10)]


def test_errors():
    with pytest.raises(ValueError, match=r"unknown nn\.Embedding argument.*'num_embedding'"):
        row_gradients({"num_embedding": 3, "embedding_dim": 1}, IDS)
    with pytest.raises(ValueError, match=r"missing \['embedding_dim'\]"):
        row_gradients({"num_embeddings": 3}, IDS)
    with pytest.raises(ValueError, match=r"id 2 .* num_embeddings=2 .* max_id \+ 1 = 3"):
        row_gradients({"num_embeddings": 2, "embedding_dim": 1}, IDS)
    with pytest.raises(ValueError, match="upstream must be 'ones'"):
        row_gradients({"num_embeddings": 3, "embedding_dim": 1}, IDS, upstream="random")
    with pytest.raises(ValueError, match=r"upstream has shape \(2,\)"):
        row_gradients({"num_embeddings": 3, "embedding_dim": 1}, IDS, upstream=torch.ones(2))
    with pytest.raises(ValueError, match="requires_grad=False"):
        row_gradients(nn.Embedding.from_pretrained(torch.ones(3, 1)), IDS)
    with pytest.raises(TypeError, match=r"nn\.Embedding or a dict"):
        row_gradients([3, 1], IDS)
    with pytest.raises(TypeError, match="ids must be an integer tensor"):
        id_counts(torch.tensor([0.5]), 3)
    with pytest.raises(ValueError, match="num_embeddings must be >= 1"):
        id_counts(IDS, 0)


def test_sparse_with_scale_grad_by_freq_is_refused():
    kwargs = {"num_embeddings": 3, "embedding_dim": 1, "sparse": True, "scale_grad_by_freq": True}
    with pytest.raises(ValueError, match="sparse=True with scale_grad_by_freq=True"):
        row_gradients(kwargs, torch.tensor([0, 1]))
    # the torch 2.13 behaviour the message describes: construction works, backward refuses
    emb = nn.Embedding(**kwargs)
    out = emb(torch.tensor([0, 0, 1]))
    with pytest.raises(RuntimeError, match="scale_grad_by_freq not supported with sparse"):
        out.sum().backward()


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
