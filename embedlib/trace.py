"""Trace which rows of an embedding table an optimizer moves, step by step, from a real run.

Combinations PyTorch refuses (e.g. Adam with sparse gradients) come back as a
``RefusedCombination`` carrying PyTorch's own message: results, not crashes.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import torch
from torch import Tensor, nn

from embedlib._rowwatch import RowWatch, SeenRows

__all__ = [
    "LOSSES",
    "OPTIMIZERS",
    "RefusedCombination",
    "StepRecord",
    "TraceConfig",
    "UpdateTrace",
    "trace_updates",
]

OPTIMIZERS = ("sgd", "sgd_momentum", "adam", "adamw", "sparse_adam", "adagrad", "rmsprop")
LOSSES = ("sum", "square")
_TORCH_NAMES = ("SGD", "SGD", "Adam", "AdamW", "SparseAdam", "Adagrad", "RMSprop")
_CLASSES = dict(zip(OPTIMIZERS, [getattr(torch.optim, n) for n in _TORCH_NAMES], strict=True))
_HAS_MOMENTUM = ("sgd", "sgd_momentum", "rmsprop")
_SMALL_TABLE = 100_000  # elements; at or below this, weights and full state are recorded


@dataclass(frozen=True)
class TraceConfig:
    """The settings of one traced run (``None``: the optimizer has no such option).

    >>> TraceConfig("sgd", False, 10, 4, 0.1, None, None, 0, "sum", ()).label
    'sgd dense'
    """

    optimizer: str
    sparse: bool
    num_embeddings: int
    embedding_dim: int
    lr: float
    momentum: float | None
    weight_decay: float | None
    seed: int
    loss: str
    optimizer_kwargs: tuple[tuple[str, Any], ...]

    @property
    def label(self) -> str:
        """A short human-readable name such as ``'sgd momentum=0.9 sparse'``."""
        options = [("momentum", self.momentum), ("weight_decay", self.weight_decay)]
        parts = [f"{k}={v:g}" for k, v in options if v]
        parts += [f"{k}={v}" for k, v in self.optimizer_kwargs]
        return " ".join([self.optimizer, *parts, "sparse" if self.sparse else "dense"])


@dataclass(frozen=True, eq=False)
class StepRecord:
    """What one optimizer step did to the table; masks and norms have shape (num_embeddings,).

    >>> record = trace_updates([[1]], num_embeddings=3, embedding_dim=2).steps[0]
    >>> record.changed_rows.tolist(), record.rows_with_grad.tolist()
    ([False, True, False], [False, True, False])
    """

    step: int
    batch: Tensor  # the ids of this step, as given
    rows_with_grad: Tensor  # bool: row has a nonzero gradient this step
    changed_rows: Tensor  # bool: any element of the row changed in this step
    row_change: Tensor  # float: L2 norm of the row's change in this step
    state_norms: Mapping[str, Tensor]  # name -> per-row L2 norm after the step; NaN: not measured
    grad_bytes: int  # bytes held by weight.grad (values + indices if sparse)
    weight: Tensor | None  # (num_embeddings, embedding_dim) after the step; small tables only
    state: Mapping[str, Tensor]  # full dense state after the step; small tables only


@dataclass(frozen=True, eq=False)
class UpdateTrace:
    """A completed run: its config, the initial table (small tables) and one record per step.

    >>> trace = trace_updates([[1, 2], [3]], num_embeddings=5, embedding_dim=2)
    >>> trace.changed_matrix().int().tolist()
    [[0, 1, 1, 0, 0], [0, 0, 0, 1, 0]]
    """

    config: TraceConfig
    initial_weight: Tensor | None
    steps: tuple[StepRecord, ...]

    def changed_matrix(self) -> Tensor:
        """Return a bool tensor (steps, num_embeddings): did the row change in that step."""
        return torch.stack([record.changed_rows for record in self.steps])

    def row_change_matrix(self) -> Tensor:
        """Return a float tensor (steps, num_embeddings) of per-row change norms."""
        return torch.stack([record.row_change for record in self.steps])


@dataclass(frozen=True)
class RefusedCombination:
    """A configuration PyTorch refused, with the exception type and PyTorch's own message.

    >>> refused = trace_updates([[1]], num_embeddings=3, embedding_dim=2, optimizer="adam",
    ...                         sparse=True)
    >>> refused.error_type, refused.message
    ('RuntimeError', 'Adam does not support sparse gradients, please consider SparseAdam instead')
    """

    config: TraceConfig
    error_type: str
    message: str


def _as_batches(schedule: Sequence[Any], num_embeddings: int) -> list[Tensor]:
    if isinstance(schedule, Tensor) and schedule.dim() < 2:
        raise TypeError("schedule must be a sequence of id batches such as [[1, 2], [3]]")
    if len(schedule) == 0:
        raise ValueError("schedule is empty: pass at least one batch of ids, e.g. [[1, 2], [3]]")
    batches = []
    for i, batch in enumerate(schedule):
        ids = batch if isinstance(batch, Tensor) else torch.as_tensor(batch)
        if ids.dtype in (torch.bool,) or ids.is_floating_point() or ids.is_complex():
            raise TypeError(
                f"ids must be an integer tensor (torch.long), but batch {i} has dtype {ids.dtype}; "
                "convert with ids.long() or pass lists of ints"
            )
        if ids.numel() == 0:
            raise ValueError(f"batch {i} of schedule is empty: every step needs at least one id")
        if int(ids.min()) < 0:
            raise ValueError(f"batch {i} has the negative id {int(ids.min())}; ids must be >= 0")
        if (max_id := int(ids.max())) >= num_embeddings:
            raise ValueError(
                f"batch {i} contains id {max_id} but the table has num_embeddings={num_embeddings} "
                f"rows (ids 0..{num_embeddings - 1}); num_embeddings must be max_id + 1 = "
                f"{max_id + 1}"
            )
        batches.append(ids.long())
    return batches


def _opt_kwargs(optimizer: str, lr: float, momentum: Any, weight_decay: Any, kwargs: dict) -> dict:
    """The keyword arguments for the torch optimizer class."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; valid names: {', '.join(OPTIMIZERS)}")
    if momentum is not None and optimizer not in _HAS_MOMENTUM:
        hint = "Adam-style optimizers take betas=(beta1, beta2) instead"
        raise ValueError(
            f"momentum applies to {', '.join(_HAS_MOMENTUM)}, not {optimizer!r}; {hint}"
        )
    opt_kwargs: dict[str, Any] = {"lr": lr, **kwargs}
    if optimizer == "sgd_momentum" and momentum is None:
        momentum = 0.9
    if momentum is not None:
        opt_kwargs["momentum"] = momentum
    # weight_decay=0 is a no-op; SparseAdam has no such option, so do not pass it there.
    if weight_decay is not None and not (weight_decay == 0 and optimizer == "sparse_adam"):
        opt_kwargs["weight_decay"] = weight_decay
    return opt_kwargs


def trace_updates(
    schedule: Sequence[Any],
    *,
    num_embeddings: int,
    embedding_dim: int,
    optimizer: str = "sgd",
    sparse: bool = False,
    lr: float = 0.1,
    momentum: float | None = None,
    weight_decay: float | None = None,
    seed: int = 0,
    on_step: Callable[[StepRecord], None] | None = None,
    loss: str = "sum",
    record_weights: bool | None = None,
    **optimizer_kwargs: Any,
) -> UpdateTrace | RefusedCombination:
    """Run ``schedule`` through a real embedding + optimizer and record what each step moved.

    Each step: ``zero_grad``, ``out = emb(batch)``, loss, ``backward``, ``step``. ``loss="sum"`` is
    ``out.sum()`` (each looked-up row gets gradient 1 per occurrence, whatever its value);
    ``"square"`` is ``0.5 * out.pow(2).sum()`` (the gradient is the row). ``momentum`` or
    ``weight_decay`` of ``None`` keep the optimizer's default (AdamW: 0.01). The table starts
    N(0, 1) from ``seed``. ``record_weights`` (default: tables of <= 100,000 elements) keeps the
    table and full state per step; without it only rows that can move are compared (rows with a
    gradient; all rows seen once the optimizer holds state; every row under weight decay) and
    state norms elsewhere are NaN, so big tables trace cheaply. ``on_step(record)`` sees each step.

    >>> trace = trace_updates([[1, 2], [3], [3]], num_embeddings=6, embedding_dim=2,
    ...                       optimizer="sgd_momentum")
    >>> [record.changed_rows.nonzero().flatten().tolist() for record in trace.steps]
    [[1, 2], [1, 2, 3], [1, 2, 3]]
    """
    for name, value in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; valid names: {', '.join(LOSSES)}")
    if on_step is not None and not callable(on_step):
        raise TypeError("on_step must be a callable taking one StepRecord, or None")
    if not lr > 0:
        raise ValueError(f"lr must be a positive learning rate, got {lr!r}")
    opt_kwargs = _opt_kwargs(optimizer, lr, momentum, weight_decay, optimizer_kwargs)
    batches = _as_batches(schedule, num_embeddings)
    chosen = (opt_kwargs.get("momentum"), opt_kwargs.get("weight_decay"), seed, loss)
    extra = tuple(sorted(optimizer_kwargs.items()))
    config = TraceConfig(optimizer, bool(sparse), num_embeddings, embedding_dim, lr, *chosen, extra)
    small = num_embeddings * embedding_dim <= _SMALL_TABLE
    record_weights = small if record_weights is None else record_weights
    generator = torch.Generator().manual_seed(seed)
    initial = torch.randn(num_embeddings, embedding_dim, generator=generator)
    emb = nn.Embedding.from_pretrained(initial.clone(), freeze=False, sparse=sparse)
    weight = emb.weight
    try:
        opt = _CLASSES[optimizer]([weight], **opt_kwargs)
    except (TypeError, ValueError, RuntimeError) as error:  # PyTorch refusing the settings
        return RefusedCombination(config, type(error).__name__, str(error))
    group = opt.param_groups[0]  # record the values in effect, e.g. AdamW's default decay
    config = replace(config, momentum=group.get("momentum"), weight_decay=group.get("weight_decay"))
    decays_every_row = bool(config.weight_decay)
    seen = SeenRows(batches, num_embeddings)  # rows looked up so far can carry optimizer state
    # at most every row, or every lookup of the schedule, is compared in one step
    lookups = sum(ids.numel() for ids in batches)
    capacity = min(lookups, max(num_embeddings, max(ids.numel() for ids in batches)))
    watch = RowWatch(weight.detach(), steps=len(batches), capacity=capacity)  # results up front
    held = opt.state[weight]  # the optimizer fills this dict: momentum_buffer, exp_avg, ...
    records = []
    with warnings.catch_warnings():
        # Adagrad builds sparse tensors with invariant checks off and says so every step
        warnings.filterwarnings("ignore", message="Sparse invariant checks")
        for step, ids in enumerate(batches):
            opt.zero_grad()
            out = emb(ids)  # (*ids.shape, embedding_dim)
            value = out.sum() if loss == "sum" else 0.5 * out.pow(2).sum()
            value.backward()
            flat_ids = ids.flatten()
            grad_bytes = watch.gradient(step, weight.grad, flat_ids)
            # Rows without a gradient move only if the optimizer carries state for them (rows
            # seen before) or weight decay pulls every row: compare just the rows that can move.
            carried = any(torch.is_tensor(v) and v.dim() == 2 for v in held.values())
            if record_weights or decays_every_row:
                watch.snapshot(None)  # every row
            elif carried:
                rows = seen.upto(step)
                watch.snapshot(None if len(rows) == num_embeddings else rows)
            else:  # the forward output is exactly weight[flat_ids]: their values before the step
                watch.snapshot(flat_ids, values=out.detach().reshape(len(flat_ids), embedding_dim))
            try:
                opt.step()
            except (RuntimeError, TypeError, ValueError) as error:
                return RefusedCombination(config, type(error).__name__, str(error))
            watch.compare(step)
            state = {k: v for k, v in held.items() if torch.is_tensor(v) and v.dim() == 2}
            state_norms = {name: watch.state(step, name, v) for name, v in state.items()}
            record = StepRecord(
                step=step,
                batch=ids,
                rows_with_grad=watch.rows_with_grad[step],
                changed_rows=watch.changed_rows[step],
                row_change=watch.row_change[step],
                state_norms=MappingProxyType(state_norms),
                grad_bytes=grad_bytes,
                weight=weight.detach().clone() if record_weights else None,
                state=MappingProxyType(
                    {k: v.to_dense().clone() for k, v in state.items()} if record_weights else {}
                ),
            )
            records.append(record)
            if on_step is not None:
                on_step(record)
    return UpdateTrace(config, initial if record_weights else None, tuple(records))
