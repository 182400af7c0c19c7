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

__all__ = ["optimizer_sparse_matrix"]

Setting = tuple[str, type[torch.optim.Optimizer], dict[str, Any]]  # (label, class, kwargs)
_DEFAULT_SETTINGS: tuple[Setting, ...] = (
    ("SGD", torch.optim.SGD, {"lr": 0.1}),
    ("SGD, momentum 0.9", torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
    ("SGD, weight decay", torch.optim.SGD, {"lr": 0.1, "weight_decay": 0.1}),
    ("Adam", torch.optim.Adam, {"lr": 0.1}),
    ("Adam, weight decay (L2)", torch.optim.Adam, {"lr": 0.1, "weight_decay": 0.1}),
    ("AdamW (decay 0.01)", torch.optim.AdamW, {"lr": 0.1}),
    ("SparseAdam", torch.optim.SparseAdam, {"lr": 0.1}),
    ("Adagrad", torch.optim.Adagrad, {"lr": 0.1}),
    ("Adagrad, weight decay", torch.optim.Adagrad, {"lr": 0.1, "weight_decay": 0.1}),
    ("RMSprop", torch.optim.RMSprop, {"lr": 0.1}),
    ("RMSprop, momentum 0.9", torch.optim.RMSprop, {"lr": 0.1, "momentum": 0.9}),
)
_ONLY_BATCH, _SEEN, _EVERY = "only batch rows", "batch rows + rows seen earlier", "every row"


@dataclass(frozen=True)
class MatrixCell:
    """One measured cell: a setting with dense or sparse gradients, its verdict and counts.

    ``rows_moved`` holds the number of rows that changed in each step (empty when refused).

    >>> cell = optimizer_sparse_matrix([[1], [2]], num_embeddings=4, embedding_dim=2).cells[0]
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


@dataclass(frozen=True)
class OptimizerMatrix:
    """Every measured cell, one per (setting, sparse), in the order of the settings.

    >>> matrix = optimizer_sparse_matrix([[1]], num_embeddings=3, embedding_dim=2)
    >>> print(matrix.to_markdown().splitlines()[2])
    | SGD | only batch rows [1] | only batch rows [1] |
    """

    cells: tuple[MatrixCell, ...]

    def to_markdown(self) -> str:
        """Render the cells as a markdown table: one row per setting, columns dense and sparse."""
        by_setting: dict[str, dict[bool, str]] = {}
        for cell in self.cells:
            by_setting.setdefault(cell.setting, {})[cell.sparse] = cell.text.replace("|", "\\|")
        lines = ["| setting | dense gradients | sparse=True |", "|---|---|---|"]
        for setting, texts in by_setting.items():
            lines.append(f"| {setting} | {texts.get(False, '')} | {texts.get(True, '')} |")
        return "\n".join(lines)


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


def _check_settings(settings: Sequence[Setting]) -> None:
    if isinstance(settings, str) or not isinstance(settings, Sequence) or len(settings) == 0:
        raise TypeError(
            "settings must be a non-empty list of (label, optimizer class, kwargs) tuples, e.g. "
            f"[('SGD', torch.optim.SGD, {{'lr': 0.1}})], got {settings!r:.80}"
        )
    for i, setting in enumerate(settings):
        ok = isinstance(setting, tuple) and len(setting) == 3
        if not ok or not isinstance(setting[0], str) or not isinstance(setting[2], dict):
            raise TypeError(
                f"settings[{i}] must be a (label, optimizer class, kwargs) tuple such as "
                f"('SGD', torch.optim.SGD, {{'lr': 0.1}}), got {setting!r:.80}"
            )


def optimizer_sparse_matrix(
    schedule: Sequence[Any],
    settings: Sequence[Setting] = _DEFAULT_SETTINGS,
    *,
    num_embeddings: int,
    embedding_dim: int,
    seed: int = 0,
) -> OptimizerMatrix:
    """Trace every ``(label, optimizer class, kwargs)`` setting with dense and sparse gradients.

    The default settings are SGD (plain, momentum 0.9, weight decay 0.1), Adam (plain, weight
    decay 0.1), AdamW, SparseAdam, Adagrad (plain, weight decay 0.1) and RMSprop (plain,
    momentum 0.9), all at lr=0.1. Choose a schedule where some rows appear only early (e.g.
    ``[[1, 2], [3], [3], [4]]``) so "rows seen earlier" can be told apart from "only batch rows".

    >>> matrix = optimizer_sparse_matrix([[1, 2], [3], [3], [4]], num_embeddings=10,
    ...                                  embedding_dim=4)
    >>> [c.setting for c in matrix.cells if c.sparse and c.error is None]
    ['SGD', 'SGD, momentum 0.9', 'SparseAdam', 'Adagrad']
    """
    _check_settings(settings)
    cells = []
    for label, optimizer, kwargs in settings:
        for sparse in (False, True):
            result = trace_updates(
                schedule, optimizer, num_embeddings=num_embeddings, embedding_dim=embedding_dim,
                sparse=sparse, seed=seed, **kwargs,
            )  # fmt: skip
            if isinstance(result, RefusedCombination):
                error = f"{result.error_type}: {result.message}"
                cells.append(MatrixCell(label, sparse, "refused", (), error))
                continue
            moved = tuple(int(record.changed_rows.sum()) for record in result.steps)
            cells.append(MatrixCell(label, sparse, _verdict(result), moved, None))
    return OptimizerMatrix(tuple(cells))
