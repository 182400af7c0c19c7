"""Which rows of a table differ between two snapshots: the question every update demo asks."""

from __future__ import annotations

import torch
from torch import Tensor

from embedlib._checks import check_number, check_table

__all__ = ["changed_rows"]


def _same(before: Tensor, after: Tensor) -> Tensor:
    """Elementwise: equal, or NaN in both (a NaN that stays NaN has not moved)."""
    return after.eq(before) | (after.isnan() & before.isnan())


def _changed_mask(before: Tensor, after: Tensor, atol: float = 0.0) -> Tensor:
    """bool (rows,): some element moved by more than ``atol``, or became or stopped being NaN.

    >>> before = torch.zeros(3, 2)
    >>> _changed_mask(before, torch.tensor([[0.0, 1e-30], [0.0, 0.0], [float("nan"), 0.0]]))
    tensor([ True, False,  True])
    """
    moved = (after - before).abs().nan_to_num(nan=torch.inf)  # NaN on one side: moved
    moved = torch.where(_same(before, after), 0.0, moved)  # inf == inf, NaN == NaN: not moved
    return moved.gt(atol).any(dim=1)


def changed_rows(before: Tensor, after: Tensor, *, atol: float = 0.0) -> Tensor:
    """Return the ids (ascending, int64) of the rows where ``after`` differs from ``before``.

    A row counts as changed when any element moved by more than ``atol`` (default: any change),
    or became NaN (or stopped being NaN).

    >>> before = torch.zeros(4, 2)
    >>> after = before.clone()
    >>> after[1, 0], after[3, 1] = 0.5, -1e-9
    >>> changed_rows(before, after).tolist(), changed_rows(before, after, atol=1e-6).tolist()
    ([1, 3], [1])
    """
    check_table(before, "before")
    check_table(after, "after")
    if before.shape != after.shape:
        raise ValueError(
            f"before has shape {tuple(before.shape)} but after has {tuple(after.shape)}; "
            "compare two snapshots of the same table"
        )
    atol = check_number(atol, "atol", low=0.0)
    return _changed_mask(before.detach(), after.detach(), atol).nonzero().flatten()
