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
    """One entry: its kind, where torch keeps it (relative to the model) and its value.

    A tensor's value is its shape, and ``count`` its number of values (0 for a hyperparameter).

    >>> ReportRow("learnable", "embedding.weight", (3, 2), 6).count
    6
    """

    kind: str  # one of KINDS
    name: str  # e.g. "embedding.weight", "embedding.num_embeddings", "optimizer.param_groups[0]"
    value: object
    count: int = 0


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
        """Return the rows of the given ``kinds`` as a Markdown table of three columns.

        >>> print(describe_model(nn.Linear(2, 1)).to_markdown(kinds=("learnable",)))
        | kind | name | value |
        |---|---|---|
        | learnable | `weight` | shape (1, 2): 2 values |
        | learnable | `bias` | shape (1,): 1 value |
        """
        if isinstance(kinds, str) or not isinstance(kinds, tuple | list):
            raise TypeError(f"kinds must be a tuple of kinds such as ('learnable',), got {kinds!r}")
        if not set(kinds) <= set(KINDS):
            raise ValueError(f"kinds must be drawn from {KINDS}, got {kinds!r}")
        lines = ["| kind | name | value |", "|---|---|---|"]
        for r in self.rows:
            values = f"{r.count:,} value" + ("s" if r.count != 1 else "")
            value = r.value if r.kind == "hyperparameter" else f"shape {r.value}: {values}"
            if r.kind in kinds:
                lines.append(f"| {r.kind} | `{r.name}` | {value} |")  # a name as code: it wraps
        return "\n".join(lines)


def _hyper(name: str, value: object) -> ReportRow:
    return ReportRow("hyperparameter", name, value)


def _constructor_arguments(path: str, module: nn.Module) -> list[ReportRow]:
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
        if isinstance(value, torch.Tensor | nn.Module):  # a parameter or submodule: listed apart
            continue
        if name == "bias":  # Linear and Conv keep the bias tensor or, for bias=False, None
            value = False
        rows.append(_hyper(f"{path}.{name}" if path else name, value))
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
    >>> [(r.name, r.value) for r in report.rows if "lr" in r.name or "loop" in r.name]
    [("optimizer.param_groups[0]['lr']", 0.1), ('batch_size (training loop)', 32)]
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
    rows = [
        ReportRow("learnable" if p.requires_grad else "frozen", name, tuple(p.shape), p.numel())
        for name, p in module.named_parameters()
    ]
    rows += [ReportRow("buffer", n, tuple(b.shape), b.numel()) for n, b in module.named_buffers()]
    for path, sub in module.named_modules():
        rows += _constructor_arguments(path, sub)
    if optimizer is not None:
        rows.append(_hyper("type(optimizer)", type(optimizer).__name__))
        for i, group in enumerate(optimizer.param_groups):
            rows += [
                _hyper(f"optimizer.param_groups[{i}][{key!r}]", value)
                for key, value in group.items()
                if key != "params"
            ]
    rows += [_hyper(f"{key} (training loop)", value) for key, value in (training or {}).items()]
    return ModelReport(tuple(rows))
