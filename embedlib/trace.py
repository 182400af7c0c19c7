"""Trace which rows of an embedding table an optimizer moves, step by step, from a real run.

Every step is the loop a reader writes by hand, on a real ``nn.Embedding`` and a real
``torch.optim`` optimizer::

    optimizer.zero_grad()
    emb(ids).sum().backward()
    optimizer.step()

and the whole table and the optimizer's whole state are copied after it. Combinations PyTorch
refuses at ``backward()`` or ``step()`` (e.g. Adam with sparse gradients) come back as a
``RefusedCombination`` carrying PyTorch's own message: results, not crashes.
"""

from __future__ import annotations

import difflib
import inspect
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import torch
from torch import Tensor, nn

from embedlib._checks import check_count, check_seed
from embedlib.lookup import check_ids
from embedlib.rows import _changed_mask

__all__ = ["trace_updates"]

RECORD_LIMIT_BYTES = 64 * 2**20  # 64 MB: what one traced run may keep (tables, state, masks)
_LOSSES = ("sum", "square")
OptimizerFactory = Callable[..., torch.optim.Optimizer]


@dataclass(frozen=True)
class TraceConfig:
    """The settings of one traced run; ``param_group`` holds the values in effect.

    >>> trace = trace_updates([[1]], torch.optim.SGD, num_embeddings=3, embedding_dim=2, lr=0.1)
    >>> trace.config.label, trace.config.param_group["momentum"]
    ('SGD lr=0.1 dense', 0)
    """

    optimizer: str  # the optimizer's name, e.g. "SGD"
    optimizer_kwargs: tuple[tuple[str, Any], ...]  # as passed, in order
    param_group: Mapping[str, Any]  # optimizer.param_groups[0] without "params" (defaults too)
    sparse: bool
    num_embeddings: int
    embedding_dim: int
    seed: int
    loss: str

    @property
    def label(self) -> str:
        """A short name such as ``'SGD lr=0.1 momentum=0.9 sparse'``."""
        parts = [
            f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.optimizer_kwargs
        ]
        return " ".join([self.optimizer, *parts, "sparse" if self.sparse else "dense"])


@dataclass(frozen=True, eq=False)
class StepRecord:
    """What one optimizer step did to the table; masks and norms have shape (num_embeddings,).

    >>> trace = trace_updates([[1]], torch.optim.SGD, num_embeddings=3, embedding_dim=2, lr=0.1)
    >>> record = trace.steps[0]
    >>> record.changed_rows.tolist(), record.rows_with_grad.tolist()
    ([False, True, False], [False, True, False])
    """

    step: int
    batch: Tensor  # the ids of this step (int64)
    rows_with_grad: Tensor  # bool: the row's gradient is nonzero this step
    changed_rows: Tensor  # bool: any element of the row changed in this step (NaN counts)
    row_change: Tensor  # float: L2 norm of the row's change in this step
    state_norms: Mapping[str, Tensor]  # state name -> per-row L2 norm after the step
    grad_bytes: int  # bytes held by weight.grad (values + int64 indices if sparse)
    weight: Tensor  # (num_embeddings, embedding_dim) after the step
    state: Mapping[str, Tensor]  # state name -> dense (num_embeddings, embedding_dim) copy


@dataclass(frozen=True, eq=False)
class UpdateTrace:
    """A completed run: its config, the initial table and one record per step.

    >>> trace = trace_updates([[1, 2], [3]], torch.optim.SGD, num_embeddings=5, embedding_dim=2,
    ...                       lr=0.1)
    >>> trace.changed_matrix().int().tolist()
    [[0, 1, 1, 0, 0], [0, 0, 0, 1, 0]]
    """

    config: TraceConfig
    initial_weight: Tensor  # (num_embeddings, embedding_dim) before the first step
    steps: tuple[StepRecord, ...]

    def changed_matrix(self) -> Tensor:
        """Return a bool tensor (steps, num_embeddings): did the row change in that step."""
        return torch.stack([record.changed_rows for record in self.steps])

    def row_change_matrix(self) -> Tensor:
        """Return a float tensor (steps, num_embeddings) of per-row change norms."""
        return torch.stack([record.row_change for record in self.steps])


@dataclass(frozen=True)
class RefusedCombination:
    """A run PyTorch refused at ``backward()`` or ``step()``, with its exception type and message.

    >>> refused = trace_updates([[1]], torch.optim.Adam, num_embeddings=3, embedding_dim=2,
    ...                         sparse=True)
    >>> refused.error_type, refused.message
    ('RuntimeError', 'Adam does not support sparse gradients, please consider SparseAdam instead')
    """

    config: TraceConfig
    error_type: str
    message: str


def _keywords(factory: Callable[..., Any]) -> dict[str, inspect.Parameter] | None:
    """The keyword parameters ``factory`` takes after ``params``; None if it takes any."""
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):  # builtins without a signature: let the call decide
        return None
    parameters = list(signature.parameters.values())
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
    name = optimizer.__name__ if hasattr(optimizer, "__name__") else type(optimizer).__name__
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
        ids = batch if isinstance(batch, Tensor) else torch.as_tensor(batch)
        if ids.numel() == 0:
            raise ValueError(f"{name} is an empty batch: every step looks up at least one id")
        check_ids(ids, num_embeddings, name=name)
        batches.append(ids.long())
    return batches


def _grad_bytes(grad: Tensor) -> int:
    """Bytes ``grad`` holds: its values, plus one int64 index per stored row when sparse."""
    if grad.is_sparse:  # uncoalesced, as backward left it: one (index, row) pair per lookup
        return grad._indices().numel() * 8 + grad._values().numel() * grad.element_size()
    return grad.numel() * grad.element_size()


def _rows_with_grad(grad: Tensor) -> Tensor:
    """bool (num_embeddings,): the row's (summed) gradient has a nonzero element (NaN counts)."""
    if not grad.is_sparse:
        return grad.ne(0).any(dim=1)
    grad = grad.coalesce()  # repeated ids summed
    mask = torch.zeros(grad.shape[0], dtype=torch.bool)
    mask[grad.indices()[0]] = grad.values().ne(0).any(dim=1)
    return mask


def _record(
    step: int, ids: Tensor, before: Tensor, weight: Tensor, grad: Tensor, held: dict
) -> StepRecord:
    """Compare the table with its copy from before the step; copy the weight and state."""
    after = weight.detach().clone()
    state = {
        k: v.to_dense().clone() for k, v in held.items() if torch.is_tensor(v) and v.dim() == 2
    }
    return StepRecord(
        step=step,
        batch=ids,
        rows_with_grad=_rows_with_grad(grad),
        changed_rows=_changed_mask(before, after),
        row_change=torch.linalg.vector_norm(after - before, dim=1),
        state_norms=MappingProxyType(
            {k: torch.linalg.vector_norm(v, dim=1) for k, v in state.items()}
        ),
        grad_bytes=_grad_bytes(grad),
        weight=after,
        state=MappingProxyType(state),
    )


def _record_bytes(record: StepRecord) -> int:
    tensors = [
        record.weight,
        *record.state.values(),
        record.row_change,
        *record.state_norms.values(),
    ]
    return sum(t.numel() * t.element_size() for t in tensors) + 2 * record.weight.shape[0]


def _refuse_size(steps: int, per_step: int, config: TraceConfig) -> None:
    total = per_step * (steps + 1)  # the initial table, then one record per step
    if total > RECORD_LIMIT_BYTES:
        raise ValueError(
            f"this run would record {total / 2**20:,.1f} MB ({steps} steps of a "
            f"{config.num_embeddings:,} x {config.embedding_dim:,} table with its optimizer "
            f"state), more than trace_updates keeps ({RECORD_LIMIT_BYTES // 2**20} MB); "
            "trace fewer steps or a smaller table"
        )


def _run(emb: nn.Embedding, opt: torch.optim.Optimizer, batches: list[Tensor], config: TraceConfig):
    """The training loop, recording every step; PyTorch's refusals become a result."""
    weight, records = emb.weight, []
    with warnings.catch_warnings():
        # Adagrad builds sparse tensors with invariant checks off and says so every step
        warnings.filterwarnings("ignore", message="Sparse invariant checks")
        for step, ids in enumerate(batches):
            before = weight.detach().clone()
            try:
                opt.zero_grad()
                out = emb(ids)  # (*ids.shape, embedding_dim)
                loss = out.sum() if config.loss == "sum" else 0.5 * out.pow(2).sum()
                loss.backward()
                grad = weight.grad.detach().clone()
                opt.step()
            except (RuntimeError, TypeError, ValueError) as error:  # PyTorch refusing the run
                return RefusedCombination(config, type(error).__name__, str(error))
            records.append(_record(step, ids, before, weight, grad, opt.state[weight]))
            if step == 0:  # now the size of one record is known, state included
                _refuse_size(len(batches), _record_bytes(records[0]), config)
    return tuple(records)


def _build(
    optimizer: Any, name: str, weight: Tensor, kwargs: dict[str, Any]
) -> torch.optim.Optimizer:
    """The optimizer over ``[weight]``; its constructor's refusals are errors in the arguments."""
    try:
        opt = optimizer([weight], **kwargs)
    except (TypeError, ValueError) as error:
        given = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        raise type(error)(f"{name}({given}) refused its arguments: {error}") from error
    if not isinstance(opt, torch.optim.Optimizer):
        raise TypeError(f"the optimizer factory returned {type(opt).__name__}, not an Optimizer")
    return opt


def trace_updates(
    schedule: Sequence[Any],
    optimizer: type[torch.optim.Optimizer] | OptimizerFactory,
    /,
    *,
    num_embeddings: int,
    embedding_dim: int,
    sparse: bool = False,
    loss: str = "sum",
    seed: int = 0,
    **optimizer_kwargs: Any,
) -> UpdateTrace | RefusedCombination:
    """Run ``schedule`` through a real ``nn.Embedding`` and ``optimizer``; record every step.

    ``optimizer`` is a ``torch.optim`` class or a factory ``params -> Optimizer``;
    ``optimizer_kwargs`` go to it unchanged. Each step: ``zero_grad``, ``out = emb(ids)``, the
    loss (``"sum"``: ``out.sum()``, every looked-up row gets gradient 1 per lookup;
    ``"square"``: ``0.5 * out.pow(2).sum()``, the gradient is the row), ``backward``, ``step``.
    The table starts N(0, 1) from ``seed``. Runs whose records would pass 64 MB are refused.

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
    if loss not in _LOSSES:
        raise ValueError(f"loss must be one of {', '.join(_LOSSES)}, got {loss!r}")
    batches = _as_batches(schedule, num_embeddings)
    config = TraceConfig(name, tuple(optimizer_kwargs.items()), MappingProxyType({}), sparse,
                         num_embeddings, embedding_dim, check_seed(seed), loss)  # fmt: skip
    _refuse_size(len(batches), num_embeddings * embedding_dim * 4, config)  # tables alone
    generator = torch.Generator().manual_seed(seed)
    initial = torch.randn(num_embeddings, embedding_dim, generator=generator)
    emb = nn.Embedding.from_pretrained(initial.clone(), freeze=False, sparse=sparse)
    opt = _build(optimizer, name, emb.weight, optimizer_kwargs)
    group = {k: v for k, v in opt.param_groups[0].items() if k != "params"}
    config = replace(config, param_group=MappingProxyType(group))
    result = _run(emb, opt, batches, config)
    if isinstance(result, RefusedCombination):
        return result
    return UpdateTrace(config, initial, result)
