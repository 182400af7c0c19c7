"""One table of what a model (and its optimizer) holds: parameters, buffers, hyperparameters.

``describe_model`` reads what chapter 5 shows in torch first: ``named_parameters()``
(learnable when ``requires_grad``, else frozen), ``named_buffers()``, the constructor arguments
each submodule keeps as attributes, and ``optimizer.param_groups``.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass

import torch
from torch import nn

__all__ = ["describe_model"]

KINDS = ("learnable", "frozen", "buffer", "hyperparameter")


@dataclass(frozen=True)
class ReportRow:
    """One entry of a report; ``shape`` and ``count`` are empty for a hyperparameter.

    >>> ReportRow("learnable", "", "weight", (3, 2), 6, "").count
    6
    """

    kind: str  # one of KINDS
    owner: str  # the submodule, optimizer group or "training loop" it belongs to
    name: str
    shape: tuple[int, ...] | str
    count: int | str
    value: object


@dataclass(frozen=True)
class ModelReport:
    """Every learnable and frozen parameter, buffer and hyperparameter, in the order found.

    >>> report = describe_model(nn.Embedding(10, 3))
    >>> report.learnable_count, [row.name for row in report.rows if row.kind == "learnable"]
    (30, ['weight'])
    """

    rows: tuple[ReportRow, ...]

    @property
    def learnable_count(self) -> int:
        """Total number of values the optimizer can change."""
        return sum(row.count for row in self.rows if row.kind == "learnable")

    def to_markdown(self, kinds: tuple[str, ...] = KINDS) -> str:
        """Return the rows of the given ``kinds`` as a Markdown table.

        >>> print(describe_model(nn.Linear(2, 1)).to_markdown(kinds=("learnable",)))
        | kind | owner | name | shape | count | value |
        |---|---|---|---|---|---|
        | learnable |  | weight | (1, 2) | 2 |  |
        | learnable |  | bias | (1,) | 1 |  |
        """
        if isinstance(kinds, str) or not isinstance(kinds, tuple | list):
            raise TypeError(f"kinds must be a tuple of kinds such as ('learnable',), got {kinds!r}")
        if not set(kinds) <= set(KINDS):
            raise ValueError(f"kinds must be drawn from {KINDS}, got {kinds!r}")
        lines = ["| kind | owner | name | shape | count | value |", "|---|---|---|---|---|---|"]
        for r in self.rows:
            if r.kind in kinds:
                lines.append(f"| {r.kind} | {r.owner} | {r.name} | {r.shape} | {r.count} | "
                             f"{r.value} |")  # fmt: skip
        return "\n".join(lines)


def _hyper(owner: str, name: str, value: object) -> ReportRow:
    return ReportRow("hyperparameter", owner, name, "", "", value)


def _constructor_arguments(owner: str, module: nn.Module) -> list[ReportRow]:
    """The arguments of ``type(module)``'s constructor that the module keeps as attributes."""
    try:
        names = inspect.signature(type(module)).parameters
    except (TypeError, ValueError):  # no signature to read
        return []
    rows = []
    for name in names:
        if name.startswith("_") or not hasattr(module, name):  # e.g. _weight, device, dtype
            continue
        value = getattr(module, name)
        if name == "bias":  # Linear and Conv keep the bias tensor (or None), not the flag
            value = value is not None
        rows.append(_hyper(owner, name, value))
    return rows


def describe_model(
    module: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    *,
    training: Mapping[str, object] | None = None,
) -> ModelReport:
    """Sort what ``module`` (and ``optimizer``) hold into parameters, buffers and hyperparameters.

    ``training`` adds loop-level hyperparameters that live in neither object (the batch size).

    >>> model = nn.Sequential(nn.Embedding(5, 2), nn.Linear(2, 1))
    >>> opt = torch.optim.SGD(model.parameters(), lr=0.1)
    >>> report = describe_model(model, opt, training={"batch_size": 32})
    >>> [(r.owner, r.name) for r in report.rows if r.name in ("lr", "batch_size")]
    [('optimizer.param_groups[0]', 'lr'), ('training loop', 'batch_size')]
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    if optimizer is not None and not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(
            f"optimizer must be a torch.optim.Optimizer or None, got {type(optimizer).__name__}"
        )
    if training is not None and not isinstance(training, Mapping):
        raise TypeError(
            "training must be a dict of loop-level hyperparameters such as {'batch_size': 32}, "
            f"got {type(training).__name__}"
        )
    rows = []
    for name, p in module.named_parameters():
        kind = "learnable" if p.requires_grad else "frozen"
        rows.append(ReportRow(kind, "", name, tuple(p.shape), p.numel(), ""))
    rows += [
        ReportRow("buffer", "", name, tuple(b.shape), b.numel(), "")
        for name, b in module.named_buffers()
    ]
    for name, sub in module.named_modules():
        rows += _constructor_arguments(name or type(sub).__name__, sub)
    if optimizer is not None:
        rows.append(_hyper("optimizer", "type", type(optimizer).__name__))
        for i, group in enumerate(optimizer.param_groups):
            owner = f"optimizer.param_groups[{i}]"
            rows += [_hyper(owner, key, value) for key, value in group.items() if key != "params"]
    rows += [_hyper("training loop", str(key), value) for key, value in (training or {}).items()]
    return ModelReport(tuple(rows))
