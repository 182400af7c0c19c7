"""Which rows of a table differ between two snapshots: the question every update demo asks."""

from __future__ import annotations

import torch

__all__ = ["changed_rows"]


def changed_rows(before: torch.Tensor, after: torch.Tensor, *, atol: float = 0.0) -> torch.Tensor:
    """Return the ids (ascending, int64) of the rows where ``after`` differs from ``before``.

    A row counts as changed when any element moved by more than ``atol`` (default: any change).

    >>> before = torch.zeros(4, 2)
    >>> after = before.clone()
    >>> after[1, 0], after[3, 1] = 0.5, -1e-9
    >>> changed_rows(before, after).tolist(), changed_rows(before, after, atol=1e-6).tolist()
    ([1, 3], [1])
    """
    for name, table in (("before", before), ("after", after)):
        if not isinstance(table, torch.Tensor) or table.dim() != 2:
            raise TypeError(
                f"{name} must be a 2-D tensor (num_embeddings, embedding_dim), e.g. "
                f"emb.weight.detach().clone(); got {type(table).__name__}"
                + (f" with shape {tuple(table.shape)}" if isinstance(table, torch.Tensor) else "")
            )
    if before.shape != after.shape:
        raise ValueError(
            f"before has shape {tuple(before.shape)} but after has {tuple(after.shape)}; "
            "compare two snapshots of the same table"
        )
    if atol < 0:
        raise ValueError(f"atol must be >= 0, got {atol}")
    moved = (after.detach() - before.detach()).abs() > atol  # (num_embeddings, embedding_dim)
    return moved.any(dim=1).nonzero().flatten()
