"""changed_rows against a per-row Python loop, and its errors."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from embedlib import changed_rows


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
