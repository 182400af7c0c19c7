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


def _row_norms(state: Tensor, num_embeddings: int, rows: Tensor | slice) -> Tensor:
    """Per-row L2 norm of a (num_embeddings, dim) state tensor (dense or sparse) at ``rows``."""
    if state.is_sparse:
        state = state.coalesce()
        norms = torch.zeros(num_embeddings, dtype=state.dtype)
        norms[state.indices()[0]] = torch.linalg.vector_norm(state.values(), dim=1)
        return norms
    if isinstance(rows, slice):
        return torch.linalg.vector_norm(state, dim=1)
    norms = torch.full((num_embeddings,), float("nan"))  # NaN: not measured
    # index_select, not state[rows]: advanced indexing is ~50x slower for a few thousand rows
    norms[rows] = torch.linalg.vector_norm(state.index_select(0, rows), dim=1)
    return norms


def _grad_rows(grad: Tensor, rows: Tensor, num_embeddings: int) -> tuple[Tensor, int]:
    """Mask of rows with a nonzero gradient (only ``rows`` can have one) and grad bytes."""
    mask = torch.zeros(num_embeddings, dtype=torch.bool)
    if grad.is_sparse:  # bytes as held: uncoalesced, one (index, row) pair per lookup
        nbytes = grad._indices().numel() * 8 + grad._values().numel() * grad.element_size()
        grad = grad.coalesce()
        mask[grad.indices()[0][grad.values().abs().amax(dim=1).ne(0)]] = True
        return mask, nbytes
    mask[rows] = grad.index_select(0, rows).abs().amax(dim=1).ne(0)
    return mask, grad.numel() * grad.element_size()


def _moved(delta: Tensor, norms: Tensor) -> Tensor:
    """Rows of ``delta`` with any nonzero element, given their L2 ``norms`` (as ``amax.ne(0)``).

    A nonzero norm (NaN and inf included) means a nonzero element, so no second pass over
    ``delta``; a zero norm can hide changes whose squares underflow, so only those rows are
    checked element by element.

    >>> _moved(torch.tensor([[0.0, 1e-30], [0.0, 0.0], [3.0, 4.0]]), torch.tensor([0.0, 0.0, 5.0]))
    tensor([ True, False,  True])
    """
    moved = norms.ne(0)
    if not bool(moved.all()):
        still = (~moved).nonzero().flatten()
        moved[still] = delta.index_select(0, still).abs().amax(dim=1).ne(0)
    return moved


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
    seen = torch.zeros(num_embeddings, dtype=torch.bool)  # rows looked up so far
    seen_rows = torch.empty(0, dtype=torch.long)  # the same rows as ids, in order of first lookup
    held = opt.state[weight]  # the optimizer fills this dict: momentum_buffer, exp_avg, ...
    records = []
    for step, ids in enumerate(batches):
        opt.zero_grad()
        out = emb(ids)  # (*ids.shape, embedding_dim)
        value = out.sum() if loss == "sum" else 0.5 * out.pow(2).sum()
        value.backward()
        batch_rows = ids.flatten().unique()
        # kept incrementally: seen.nonzero() over the whole table every step is slow for big tables
        new_rows = batch_rows[~seen.index_select(0, batch_rows)]
        seen[new_rows] = True
        seen_rows = torch.cat([seen_rows, new_rows]) if len(new_rows) else seen_rows
        rows_with_grad, grad_bytes = _grad_rows(weight.grad, batch_rows, num_embeddings)
        # Only rows with a gradient or carried state can move, unless weight decay touches all.
        carried = any(torch.is_tensor(v) and v.dim() == 2 for v in held.values())
        rows = seen_rows if carried else batch_rows[rows_with_grad.index_select(0, batch_rows)]
        if record_weights or decays_every_row or len(rows) == num_embeddings:
            rows = slice(None)
        full = isinstance(rows, slice)
        before = weight.detach().clone() if full else weight.detach().index_select(0, rows)
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Sparse invariant checks")
                opt.step()
        except (RuntimeError, TypeError, ValueError) as error:
            return RefusedCombination(config, type(error).__name__, str(error))
        with torch.no_grad():
            # after - before, (rows, embedding_dim), computed in place in a buffer we own
            if full:
                delta = before.neg_().add_(weight.detach())
            else:
                delta = weight.detach().index_select(0, rows).sub_(before)
            changed_rows = torch.zeros(num_embeddings, dtype=torch.bool)
            row_change = torch.zeros(num_embeddings)
            norms = torch.linalg.vector_norm(delta, dim=1)
            if full:
                # a row changed iff its largest |change| is nonzero (NaN counts as a change, as
                # with ne(0)); amax is several times faster than delta.ne(0).any(dim=1)
                changed_rows[rows] = delta.abs().amax(dim=1).ne(0)
            else:
                changed_rows[rows] = _moved(delta, norms)
            row_change[rows] = norms
            state = {k: v for k, v in held.items() if torch.is_tensor(v) and v.dim() == 2}
            state_norms = {k: _row_norms(v, num_embeddings, rows) for k, v in state.items()}
        record = StepRecord(
            step=step,
            batch=ids,
            rows_with_grad=rows_with_grad,
            changed_rows=changed_rows,
            row_change=row_change,
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
