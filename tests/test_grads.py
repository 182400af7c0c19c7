"""row_gradients against hand counts, and id_counts against a Python Counter."""

from __future__ import annotations

from collections import Counter

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from embedlib.grads import id_counts, row_gradients

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
