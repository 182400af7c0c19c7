"""Tests for embedlib.cost: memory from first principles, results shaped as asked."""

import pytest

from embedlib.cost import gradient_step_cost, lookup_cost


def test_gradient_bytes_dense_linear_sparse_constant():
    costs = gradient_step_cost([100, 1000, 10_000], embedding_dim=8, batch_size=32, repeats=1)
    for cost in costs:
        assert cost.dense_grad_bytes == cost.num_embeddings * 8 * 4  # float32 table-sized
        assert cost.sparse_grad_bytes == 32 * (8 * 4 + 8)  # a row + an int64 index per lookup
        assert cost.dense_seconds > 0 and cost.sparse_seconds > 0


def test_lookup_cost_skips_onehot_above_cap():
    costs = lookup_cost(
        [10, 1000], embedding_dim=4, batch_size=16, repeats=1, max_onehot_bytes=1000
    )
    assert [c.onehot_bytes for c in costs] == [16 * 10 * 4, 16 * 1000 * 4]
    assert costs[0].onehot_seconds is not None and costs[1].onehot_seconds is None


def test_bad_sizes_are_rejected():
    with pytest.raises(ValueError, match="vocab_sizes is empty"):
        gradient_step_cost([])
    with pytest.raises(ValueError, match="embedding_dim must be an int >= 1, got 0"):
        lookup_cost([10], embedding_dim=0)
    with pytest.raises(TypeError, match="vocab_sizes must be a list"):
        lookup_cost(1000)
    with pytest.raises(ValueError, match=r"num_embeddings x embedding_dim = 10,000,000,000 x 16"):
        gradient_step_cost([10**10])
    with pytest.raises(ValueError, match="max_onehot_bytes must be at most 64,000,000"):
        lookup_cost([10], max_onehot_bytes=10**12)
    with pytest.raises(ValueError, match="repeats must be at most 1,000"):
        lookup_cost([10], repeats=10**9)
    with pytest.raises(TypeError, match="seed must be an int"):
        gradient_step_cost([10], seed=None)
