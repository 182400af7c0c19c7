"""Tests for embedlib.lookup: what plot_lookup is given (a table and ids) is checked once."""

import pytest
import torch
from torch import nn

from embedlib.lookup import _table_and_ids


def test_a_module_and_its_weight_give_the_same_table():
    torch.manual_seed(0)
    emb = nn.Embedding(10, 3)
    ids = torch.tensor([[1, 2], [4, 2]], dtype=torch.int32)
    from_module, checked_ids = _table_and_ids(emb, ids)
    from_weight, _ = _table_and_ids(emb.weight, ids)
    assert torch.equal(from_module, emb.weight) and torch.equal(from_weight, emb.weight)
    assert not from_module.requires_grad  # detached: a plot never reaches autograd
    assert checked_ids.dtype == torch.long and torch.equal(checked_ids, ids.long())


def test_a_max_norm_module_is_read_not_called():
    torch.manual_seed(0)
    emb = nn.Embedding(5, 4, max_norm=0.5)
    before = emb.weight.detach().clone()
    weight, _ = _table_and_ids(emb, torch.tensor([0, 3]))
    assert torch.equal(emb.weight, before)  # a forward pass would have renormalised rows 0 and 3
    assert torch.equal(weight, before)
    assert emb(torch.tensor([0, 3])).norm(dim=-1).max() <= 0.5 + 1e-6  # ...as the module does


def test_a_half_precision_table_is_read_as_float32():
    weight, _ = _table_and_ids(torch.ones(3, 2, dtype=torch.float16), torch.tensor([0]))
    assert weight.dtype == torch.float32


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("not a table", torch.tensor([0])), TypeError, "table must be an nn.Embedding"),
        ((nn.EmbeddingBag(3, 2), torch.tensor([0])), TypeError, "got EmbeddingBag"),
        ((torch.zeros(3), torch.tensor([0])), ValueError, r"table must be 2-D.*\(3,\)"),
        ((torch.zeros(3, 2, dtype=torch.long), torch.tensor([0])), TypeError, "floating-point"),
        ((torch.zeros(0, 2), torch.tensor([0])), ValueError, r"shape \(0, 2\).*at least one row"),
        ((nn.Embedding(0, 2), torch.tensor([0])), ValueError, r"table\.weight has shape \(0, 2\)"),
        ((nn.Embedding(3, 2), torch.tensor([3])), ValueError, r"max_id \+ 1 = 4"),
        ((torch.zeros(3, 2), torch.tensor([-1])), ValueError, "negative"),
        ((torch.zeros(3, 2), [0]), TypeError, r"ids are of type list.*torch\.tensor\(ids"),
        ((torch.zeros(3, 2), torch.tensor([0.0])), TypeError, "ids have dtype torch.float32"),
    ],
)
def test_bad_tables_and_ids_are_named(args, error, message):
    with pytest.raises(error, match=message):
        _table_and_ids(*args)
