"""renorm_preview against the real nn.Embedding(max_norm=...) forward, and row_norms by hand."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from embedlib.norms import renorm_preview, row_norms


def _real_forward(weight: torch.Tensor, ids: torch.Tensor, max_norm: float, norm_type: float):
    """The table the real module leaves after one forward (the oracle)."""
    emb = nn.Embedding.from_pretrained(weight.clone(), max_norm=max_norm, norm_type=norm_type)
    out = emb(ids)
    return emb.weight.detach(), out.detach()


def test_row_norms_by_hand():
    weight = torch.tensor([[3.0, -4.0, 0.0], [1.0, 2.0, -2.0]])
    assert torch.allclose(row_norms(weight), torch.tensor([5.0, 3.0]))
    assert torch.allclose(row_norms(weight, 1.0), torch.tensor([7.0, 5.0]))
    assert torch.allclose(row_norms(weight, math.inf), torch.tensor([4.0, 2.0]))


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
    assert torch.equal(preview.norms_before, row_norms(weight))


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
    after = row_norms(real_weight, norm_type)
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
    with pytest.raises(ValueError, match=r"id 3 .* num_embeddings=3 .* max_id \+ 1 = 4"):
        renorm_preview(weight, torch.tensor([0, 3]), 1.0)
    with pytest.raises(ValueError, match="negative id -1"):
        renorm_preview(weight, torch.tensor([-1]), 1.0)
    with pytest.raises(TypeError, match=r"ids must be an integer tensor \(torch.long\)"):
        renorm_preview(weight, torch.tensor([0.0]), 1.0)
    with pytest.raises(ValueError, match="weight must be 2-D"):
        row_norms(torch.ones(3))
    with pytest.raises(TypeError, match="floating-point"):
        row_norms(torch.ones(3, 2, dtype=torch.long))
    with pytest.raises(TypeError, match=r"weight must be a torch\.Tensor"):
        row_norms([[1.0, 2.0]])
