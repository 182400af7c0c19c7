"""Tests for embedlib.lookup: id checks, the three-way lookup trace, masked mean pooling."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from embedlib.lookup import _ONEHOT_LIMIT_ELEMENTS, LookupTrace, mean_pool, trace_lookup


@st.composite
def tables_and_ids(draw):
    num_embeddings = draw(st.integers(1, 12))
    embedding_dim = draw(st.integers(1, 5))
    shape = draw(st.lists(st.integers(0, 4), min_size=0, max_size=3))
    seed = draw(st.integers(0, 2**16))
    gen = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, num_embeddings, tuple(shape), generator=gen)
    weight = torch.randn(num_embeddings, embedding_dim, generator=gen)
    return weight, ids


@settings(max_examples=50, deadline=None)
@given(tables_and_ids())
def test_trace_matches_one_hot_oracle(case):
    weight, ids = case
    trace = trace_lookup(weight, ids)
    # independent oracle: a python loop over positions, and a one-hot built by hand
    expected = torch.stack([weight[i] for i in ids.reshape(-1).tolist()] or [weight[:0]])
    expected = expected.reshape(*ids.shape, weight.shape[1])
    one_hot = torch.zeros(ids.numel(), weight.shape[0])
    one_hot[torch.arange(ids.numel()), ids.reshape(-1)] = 1.0
    assert torch.equal(trace.one_hot, one_hot)
    assert torch.equal(trace.output, expected)
    assert torch.allclose(trace.one_hot_output, expected, atol=1e-6)
    assert trace.all_equal and trace.max_abs_diff_one_hot == 0.0
    assert (trace.num_embeddings, trace.embedding_dim) == tuple(weight.shape)


def test_trace_of_module_uses_forward():
    torch.manual_seed(0)
    emb = nn.Embedding(10, 3, padding_idx=0)
    ids = torch.tensor([[1, 2, 4, 5], [4, 3, 2, 9]])
    trace = trace_lookup(emb, ids)
    assert isinstance(trace, LookupTrace)
    assert trace.output.shape == (2, 4, 3)
    assert torch.equal(trace.output, emb(ids).detach())
    assert trace.output.grad_fn is None and not trace.weight.requires_grad
    assert trace.all_equal


def test_trace_with_max_norm_reads_renormalised_rows():
    torch.manual_seed(0)
    emb = nn.Embedding(5, 4, max_norm=0.5)
    trace = trace_lookup(emb, torch.tensor([0, 3]))
    assert trace.all_equal  # forward renormalised rows 0 and 3 first; weight read after
    norms = trace.output.norm(dim=-1)
    assert (norms <= 0.5 + 1e-5).all()


def test_trace_detects_a_disagreeing_module():
    class Doubling(nn.Embedding):
        def forward(self, ids):
            return 2 * super().forward(ids)

    torch.manual_seed(0)
    trace = trace_lookup(Doubling(4, 2), torch.tensor([1, 2]))
    assert not trace.output_equals_gathered and trace.one_hot_equals_gathered
    assert not trace.all_equal
    rows = F.embedding(torch.tensor([1, 2]), trace.weight)  # the doubled error is |rows|
    assert trace.max_abs_diff_output == pytest.approx(float(rows.abs().max()))


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("not a table", torch.tensor([0])), TypeError, "nn.Embedding or a 2-D weight"),
        (
            (torch.zeros(3), torch.tensor([0])),
            ValueError,
            r"embedding_or_weight must be 2-D.*\(3,\)",
        ),
        ((torch.zeros(3, 2, dtype=torch.long), torch.tensor([0])), TypeError, "floating-point"),
        ((torch.zeros(0, 2), torch.tensor([0])), ValueError, r"shape \(0, 2\).*at least one row"),
        ((nn.Embedding(3, 2), torch.tensor([3])), ValueError, "max_id \\+ 1 = 4"),
        ((torch.zeros(3, 2), [0]), TypeError, r"ids are of type list.*torch\.tensor\(ids"),
        ((torch.zeros(3, 2), torch.tensor([0.0])), TypeError, "ids have dtype torch.float32"),
    ],
)
def test_trace_lookup_errors(args, error, message):
    with pytest.raises(error, match=message):
        trace_lookup(*args)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=4), st.integers(1, 4), st.integers(0, 999))
def test_mean_pool_matches_per_sentence_mean(lengths, dim, seed):
    gen = torch.Generator().manual_seed(seed)
    max_len = max(lengths)
    embeddings = torch.randn(len(lengths), max_len, dim, generator=gen)
    mask = torch.tensor([[i < n for i in range(max_len)] for n in lengths])
    pooled = mean_pool(embeddings, mask)
    for row, n in enumerate(lengths):
        assert torch.allclose(pooled[row], embeddings[row, :n].mean(dim=0), atol=1e-6)
    assert torch.allclose(mean_pool(embeddings, mask.long()), pooled)  # 0/1 masks work too


def test_mean_pool_ignores_padding_values():
    embeddings = torch.tensor([[[1.0], [3.0], [100.0]]])
    mask = torch.tensor([[True, True, False]])
    assert mean_pool(embeddings, mask).item() == 2.0


@pytest.mark.parametrize(
    ("embeddings", "mask", "error", "message"),
    [
        (torch.zeros(2, 3), torch.ones(2, 3), ValueError, r"\(batch, seq, dim\)"),
        (torch.zeros(2, 3, 1, dtype=torch.long), torch.ones(2, 3), TypeError, "float tensor"),
        (torch.zeros(2, 3, 1), torch.ones(3, 2), ValueError, r"matching embeddings \(2, 3\)"),
        (torch.zeros(1, 2, 1), torch.tensor([[2, 0]]), ValueError, "only 0 and 1"),
        (torch.zeros(2, 2, 1), torch.tensor([[1, 0], [0, 0]]), ValueError, r"rows \[1\]"),
    ],
)
def test_mean_pool_errors(embeddings, mask, error, message):
    with pytest.raises(error, match=message):
        mean_pool(embeddings, mask)


def test_nan_rows_agree_when_bit_identical_and_the_one_hot_says_where_nan_spreads():
    weight = torch.tensor([[1.0, 2.0], [float("nan"), 3.0], [4.0, 5.0]])
    trace = trace_lookup(weight, torch.tensor([1, 0]))
    assert trace.output_equals_gathered and trace.max_abs_diff_output == 0.0
    # 0 * nan is nan: the one-hot matmul spreads the NaN into row 0's lookup, gathering does not
    assert not trace.one_hot_equals_gathered and not trace.all_equal
    expected = torch.nan_to_num((F.one_hot(torch.tensor([1, 0]), 3).float() @ weight), nan=-1.0)
    assert torch.equal(torch.nan_to_num(trace.one_hot_output, nan=-1.0), expected)


def test_the_one_hot_is_refused_above_its_limit_before_it_is_built():
    rows = _ONEHOT_LIMIT_ELEMENTS // 1000 + 1
    with pytest.raises(ValueError, match=r"1,000 ids.*one-hot.*more than the 16,000,000"):
        trace_lookup(torch.zeros(rows, 1), torch.zeros(1000, dtype=torch.long))
    assert trace_lookup(torch.zeros(rows - 1, 1), torch.zeros(1000, dtype=torch.long)).all_equal
