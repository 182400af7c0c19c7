"""The optimizer x sparse-gradient matrix, measured: which rows each setting moves, or its error.

Every cell comes from a real ``trace_updates`` run on the same small schedule; a cell's verdict
("only batch rows", "batch rows + rows seen earlier", "every row") is read off the measured
changed-row masks, and a refused cell carries PyTorch's own error message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from embedlib.trace import RefusedCombination, UpdateTrace, trace_updates

__all__ = ["MATRIX_SETTINGS", "MatrixCell", "matrix_markdown", "optimizer_sparse_matrix"]

# (row label, optimizer, trace_updates keyword arguments)
MATRIX_SETTINGS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("SGD", "sgd", {}),
    ("SGD, momentum 0.9", "sgd", {"momentum": 0.9}),
    ("SGD, weight decay", "sgd", {"weight_decay": 0.1}),
    ("Adam", "adam", {}),
    ("Adam, weight decay (L2)", "adam", {"weight_decay": 0.1}),
    ("AdamW (decay 0.01)", "adamw", {}),
    ("SparseAdam", "sparse_adam", {}),
    ("Adagrad", "adagrad", {}),
    ("Adagrad, weight decay", "adagrad", {"weight_decay": 0.1}),
    ("RMSprop", "rmsprop", {}),
    ("RMSprop, momentum 0.9", "rmsprop", {"momentum": 0.9}),
)
_ONLY_BATCH, _SEEN, _EVERY = "only batch rows", "batch rows + rows seen earlier", "every row"


@dataclass(frozen=True)
class MatrixCell:
    """One measured cell: a setting with dense or sparse gradients, its verdict and counts.

    ``rows_moved`` holds the number of rows that changed in each step (empty when refused).

    >>> cell = optimizer_sparse_matrix([[1], [2]], num_embeddings=4, embedding_dim=2)[0]
    >>> cell.setting, cell.sparse, cell.verdict, cell.rows_moved
    ('SGD', False, 'only batch rows', (1, 1))
    """

    setting: str
    sparse: bool
    verdict: str
    rows_moved: tuple[int, ...]
    error: str | None

    @property
    def text(self) -> str:
        """The cell as shown in the table: verdict and counts, or the error."""
        if self.error is not None:
            return f"refused: {self.error}"
        return f"{self.verdict} {list(self.rows_moved)}"


def _verdict(trace: UpdateTrace) -> str:
    """Classify the measured changed-row masks against batch rows, seen rows and all rows."""
    n = trace.config.num_embeddings
    seen = torch.zeros(n, dtype=torch.bool)
    matches = {_ONLY_BATCH: True, _SEEN: True, _EVERY: True}
    for record in trace.steps:
        batch = torch.zeros(n, dtype=torch.bool)
        batch[record.batch.flatten()] = True
        seen |= batch
        expected = {_ONLY_BATCH: batch, _SEEN: seen, _EVERY: torch.ones(n, dtype=torch.bool)}
        for name, mask in expected.items():
            matches[name] &= bool(torch.equal(record.changed_rows, mask))
    found = [name for name, ok in matches.items() if ok]
    return found[0] if found else "other (see the counts)"


def optimizer_sparse_matrix(
    schedule: Sequence[Any] = ([1, 2], [3], [3], [4]),
    *,
    num_embeddings: int = 10,
    embedding_dim: int = 4,
    lr: float = 0.1,
    seed: int = 0,
) -> tuple[MatrixCell, ...]:
    """Run every setting in ``MATRIX_SETTINGS`` with dense and sparse gradients; return the cells.

    Choose a schedule where some rows appear only early (the default: rows 1 and 2 only in step 0)
    so "rows seen earlier" can be told apart from "only batch rows".

    >>> cells = optimizer_sparse_matrix()
    >>> [(c.setting, c.sparse) for c in cells if "Adam does not support sparse" in (c.error or "")]
    [('Adam', True), ('Adam, weight decay (L2)', True), ('AdamW (decay 0.01)', True)]
    """
    cells = []
    for label, optimizer, kwargs in MATRIX_SETTINGS:
        for sparse in (False, True):
            result = trace_updates(
                schedule,
                num_embeddings=num_embeddings,
                embedding_dim=embedding_dim,
                optimizer=optimizer,
                sparse=sparse,
                lr=lr,
                seed=seed,
                **kwargs,
            )
            if isinstance(result, RefusedCombination):
                error = f"{result.error_type}: {result.message}"
                cells.append(MatrixCell(label, sparse, "refused", (), error))
                continue
            moved = tuple(int(record.changed_rows.sum()) for record in result.steps)
            cells.append(MatrixCell(label, sparse, _verdict(result), moved, None))
    return tuple(cells)


def matrix_markdown(cells: Sequence[MatrixCell]) -> str:
    """Render cells as a markdown table: one row per setting, columns dense and sparse.

    >>> print(matrix_markdown(optimizer_sparse_matrix([[1]], num_embeddings=3)).splitlines()[2])
    | SGD | only batch rows [1] | only batch rows [1] |
    """
    if len(cells) == 0:
        raise ValueError("cells is empty: pass the result of optimizer_sparse_matrix()")
    by_setting: dict[str, dict[bool, str]] = {}
    for cell in cells:
        if not isinstance(cell, MatrixCell):
            raise TypeError(f"cells must hold MatrixCell objects, got {type(cell).__name__}")
        by_setting.setdefault(cell.setting, {})[cell.sparse] = cell.text.replace("|", "\\|")
    lines = ["| setting | dense gradients | sparse=True |", "|---|---|---|"]
    for setting, texts in by_setting.items():
        lines.append(f"| {setting} | {texts.get(False, '')} | {texts.get(True, '')} |")
    return "\n".join(lines)
