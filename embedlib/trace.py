"""Trace which rows of an embedding table an optimizer moves, step by step, from a real run.

Every step is the loop chapter 7 writes by hand, on a real ``nn.Embedding`` and a real
``torch.optim`` optimizer::

    optimizer.zero_grad()
    emb(ids).sum().backward()
    optimizer.step()

and a copy of the table is kept after it, for the plots and widgets. Combinations PyTorch
refuses at ``backward()`` or ``step()`` (e.g. Adam with sparse gradients) come back as a
``RefusedCombination`` carrying PyTorch's own message: results, not crashes.
``optimizer_sparse_matrix`` repeats the run over settings x (dense, sparse) gradients.
"""

from __future__ import annotations

import difflib
import inspect
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn

from embedlib._checks import check_count, check_seed
from embedlib.diagnose import _as_tensor, check_ids
from embedlib.norms import _changed_mask

__all__ = ["optimizer_sparse_matrix", "trace_updates"]

_RECORD_LIMIT_BYTES = 64 * 2**20  # 64 MB: the tables one traced run may keep
OptimizerFactory = Callable[..., torch.optim.Optimizer]


@dataclass(frozen=True, eq=False)
class StepRecord:
    """One optimizer step: its ids, which rows changed (bool, NaN counts) and the table after it.

    >>> trace = trace_updates([[1]], torch.optim.SGD, num_embeddings=3, embedding_dim=2, lr=0.1)
    >>> trace.steps[0].changed_rows.tolist()
    [False, True, False]
    """

    batch: Tensor  # the ids of this step (int64)
    changed_rows: Tensor  # (num_embeddings,) bool: some element of the row changed in this step
    weight: Tensor  # (num_embeddings, embedding_dim) after the step


@dataclass(frozen=True, eq=False)
class UpdateTrace:
    """A completed run: a label such as ``'SGD lr=0.1 dense'``, the first table, one record a step.

    >>> trace = trace_updates([[1, 2], [3]], torch.optim.SGD, num_embeddings=5, embedding_dim=2,
    ...                       lr=0.1)
    >>> trace.changed_matrix().int().tolist()
    [[0, 1, 1, 0, 0], [0, 0, 0, 1, 0]]
    """

    label: str
    initial_weight: Tensor  # (num_embeddings, embedding_dim) before the first step
    steps: tuple[StepRecord, ...]

    def changed_matrix(self) -> Tensor:
        """Return a bool tensor (steps, num_embeddings): did the row change in that step."""
        return torch.stack([record.changed_rows for record in self.steps])

    def changes(self) -> Tensor:
        """Return every entry's change in every step: (steps, num_embeddings, embedding_dim)."""
        return torch.stack([self.initial_weight, *(r.weight for r in self.steps)]).diff(dim=0)


@dataclass(frozen=True)
class RefusedCombination:
    """A run PyTorch refused at ``backward()`` or ``step()``, with its exception type and message.

    >>> refused = trace_updates([[1]], torch.optim.Adam, num_embeddings=3, embedding_dim=2,
    ...                         sparse=True)
    >>> refused.error_type, refused.message
    ('RuntimeError', 'Adam does not support sparse gradients, please consider SparseAdam instead')
    """

    label: str
    error_type: str
    message: str


def _keywords(factory: Callable[..., Any]) -> dict[str, inspect.Parameter] | None:
    """The keyword parameters ``factory`` takes after ``params``; None if it takes any."""
    try:
        parameters = list(inspect.signature(factory).parameters.values())
    except (TypeError, ValueError):  # builtins without a signature: let the call decide
        return None
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return None
    return {p.name: p for p in parameters[1:] if p.kind is not p.VAR_POSITIONAL}


def _check_value(name: str, key: str, value: Any, default: Any) -> None:
    """Numbers must be finite; where the optimizer's default is a number, so must the value be."""
    numeric_default = isinstance(default, float | int) and not isinstance(default, bool)
    fix = "pass a finite number" + (
        f" ({name}'s default is {default!r})" if numeric_default else ""
    )
    for number in value if isinstance(value, tuple) else (value,):
        if isinstance(number, Tensor) and number.numel() == 1:
            number = number.item()
        if isinstance(number, float | int) and not isinstance(number, bool):
            if not math.isfinite(number):
                raise ValueError(f"{key} must be a finite number, got {value!r}; {fix}")
        elif numeric_default:
            raise TypeError(
                f"{key} must be a number, got {value!r} ({type(value).__name__}); {fix}"
            )


def _check_optimizer(optimizer: Any, kwargs: dict[str, Any]) -> str:
    """Check the optimizer and its keyword arguments before anything runs; return its name."""
    if isinstance(optimizer, str):
        raise TypeError(
            f"optimizer must be a torch.optim class or a factory params -> Optimizer, got the "
            f"string {optimizer!r}; pass the class itself, e.g. torch.optim.SGD"
        )
    is_class = isinstance(optimizer, type)
    if (is_class and not issubclass(optimizer, torch.optim.Optimizer)) or not callable(optimizer):
        raise TypeError(
            "optimizer must be a torch.optim.Optimizer subclass (e.g. torch.optim.SGD) or a "
            f"factory params -> Optimizer, got {optimizer!r} ({type(optimizer).__name__})"
        )
    name = getattr(optimizer, "__name__", type(optimizer).__name__)
    valid = _keywords(optimizer.__init__ if is_class else optimizer)
    if is_class and valid is not None:
        valid.pop("params", None)  # parameters[0] of __init__ is self, then params
    for key, value in kwargs.items():
        if valid is not None and key not in valid:
            close = difflib.get_close_matches(key, valid, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise TypeError(
                f"{name} has no keyword argument {key!r}{hint}; its keyword arguments are: "
                f"{', '.join(valid)}"
            )
        _check_value(name, key, value, valid[key].default if valid is not None else None)
    return name


def _as_batches(schedule: Any, num_embeddings: int) -> list[Tensor]:
    """The schedule as a list of int64 id tensors, each checked against the table."""
    if isinstance(schedule, str | bytes) or not isinstance(schedule, Sequence | Tensor):
        raise TypeError(
            f"schedule must be a list of id batches such as [[1, 2], [3]], got "
            f"{type(schedule).__name__}"
        )
    if isinstance(schedule, Tensor) and schedule.dim() < 2:
        raise TypeError(
            f"schedule must hold one batch of ids per step, got a {schedule.dim()}-D tensor; "
            "pass e.g. [[1, 2], [3]] or a 2-D tensor (one row per step)"
        )
    if len(schedule) == 0:
        raise ValueError("schedule is empty: pass at least one batch of ids, e.g. [[1, 2], [3]]")
    batches = []
    for i, batch in enumerate(schedule):
        name = f"schedule[{i}]"
        if isinstance(batch, int | float):
            raise TypeError(
                f"{name} is the number {batch!r}, not a batch of ids: each step needs a list, "
                "e.g. [[1], [2]] rather than [1, 2]"
            )
        ids = _as_tensor(batch, name)  # a list becomes a tensor; text or ragged lists refused
        if ids.numel() == 0:
            raise ValueError(f"{name} is an empty batch: every step looks up at least one id")
        check_ids(ids, num_embeddings, name=name)
        batches.append(ids.long())
    return batches


def _refuse_size(steps: int, num_embeddings: int, embedding_dim: int) -> None:
    total = (steps + 1) * num_embeddings * (embedding_dim * 4 + 1)  # float32 tables, bool masks
    if total > _RECORD_LIMIT_BYTES:
        raise ValueError(
            f"this run would record {total / 2**20:,.1f} MB ({steps} steps of a "
            f"{num_embeddings:,} x {embedding_dim:,} table), more than trace_updates keeps "
            f"({_RECORD_LIMIT_BYTES // 2**20} MB); trace fewer steps or a smaller table"
        )


def _build(optimizer: Any, name: str, weight: Tensor, kwargs: dict) -> torch.optim.Optimizer:
    """The optimizer over ``[weight]``; its constructor's refusals are errors in the arguments."""
    try:
        opt = optimizer([weight], **kwargs)
    except (TypeError, ValueError) as error:
        given = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        raise type(error)(f"{name}({given}) refused its arguments: {error}") from error
    if not isinstance(opt, torch.optim.Optimizer):
        raise TypeError(f"the optimizer factory returned {type(opt).__name__}, not an Optimizer")
    return opt


def _run(emb: nn.Embedding, opt: torch.optim.Optimizer, batches: list[Tensor], label: str):
    """The training loop, keeping the table after every step; PyTorch's refusals are a result."""
    records = []
    with warnings.catch_warnings():
        # Adagrad builds sparse tensors with invariant checks off and says so every step
        warnings.filterwarnings("ignore", message="Sparse invariant checks")
        for ids in batches:
            before = emb.weight.detach().clone()
            try:
                opt.zero_grad()
                emb(ids).sum().backward()  # every looked-up row: gradient 1 per lookup
                opt.step()
            except (RuntimeError, TypeError, ValueError) as error:  # PyTorch refusing the run
                return RefusedCombination(label, type(error).__name__, str(error))
            after = emb.weight.detach().clone()
            records.append(StepRecord(ids, _changed_mask(before, after), after))
    return tuple(records)


def trace_updates(
    schedule: Sequence[Any],
    optimizer: type[torch.optim.Optimizer] | OptimizerFactory,
    /,
    *,
    num_embeddings: int,
    embedding_dim: int,
    sparse: bool = False,
    seed: int = 0,
    **optimizer_kwargs: Any,
) -> UpdateTrace | RefusedCombination:
    """Run ``schedule`` through a real ``nn.Embedding`` and ``optimizer``; record every step.

    ``optimizer`` is a ``torch.optim`` class or a factory ``params -> Optimizer``;
    ``optimizer_kwargs`` go to it unchanged (a misspelt one is a TypeError listing the valid
    ones). Each step: ``zero_grad``, ``emb(ids).sum().backward()``, ``step``. The table starts
    N(0, 1) from ``seed``. Runs whose records would pass 64 MB are refused.

    >>> trace = trace_updates([[1, 2], [3], [3]], torch.optim.SGD, num_embeddings=6,
    ...                       embedding_dim=2, lr=0.1, momentum=0.9)
    >>> [record.changed_rows.nonzero().flatten().tolist() for record in trace.steps]
    [[1, 2], [1, 2, 3], [1, 2, 3]]
    """
    name = _check_optimizer(optimizer, optimizer_kwargs)
    num_embeddings = check_count(num_embeddings, "num_embeddings")
    embedding_dim = check_count(embedding_dim, "embedding_dim")
    if not isinstance(sparse, bool):
        raise TypeError(f"sparse must be True or False, got {sparse!r}")
    batches = _as_batches(schedule, num_embeddings)
    _refuse_size(len(batches), num_embeddings, embedding_dim)
    generator = torch.Generator().manual_seed(check_seed(seed))
    initial = torch.randn(num_embeddings, embedding_dim, generator=generator)
    emb = nn.Embedding.from_pretrained(initial.clone(), freeze=False, sparse=sparse)
    opt = _build(optimizer, name, emb.weight, optimizer_kwargs)
    label = " ".join([name, *(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                              for k, v in optimizer_kwargs.items()),
                      "sparse" if sparse else "dense"])  # fmt: skip
    result = _run(emb, opt, batches, label)
    return result if isinstance(result, RefusedCombination) else UpdateTrace(label, initial, result)


# The optimizer x sparse-gradient matrix: every cell a real trace_updates run on one schedule; a
# cell's verdict is read off the measured changed-row masks, a refused cell carries PyTorch's
# own message.

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
    n = trace.initial_weight.shape[0]
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
