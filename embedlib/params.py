"""Learnable parameters vs buffers vs hyperparameters: what a model and its optimizer hold.

Learnable parameters are the tensors ``optimizer.step()`` changes; buffers (BatchNorm's running
statistics) change in a train-mode forward pass, not by the optimizer; hyperparameters are
chosen by you: constructor arguments and ``optimizer.param_groups`` values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from embedlib.norms import _same

__all__ = ["changed_names", "describe_model", "snapshot_state"]

# Per module type: the constructor arguments that are hyperparameters (read back as attributes).
_CONV = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups")
_NORM = ("num_features", "eps", "momentum", "affine", "track_running_stats")
_HYPERPARAMETER_ATTRIBUTES: dict[type[nn.Module], tuple[str, ...]] = {
    nn.Embedding: ("num_embeddings", "embedding_dim", "padding_idx", "max_norm", "norm_type",
                   "scale_grad_by_freq", "sparse"),
    nn.EmbeddingBag: ("num_embeddings", "embedding_dim", "max_norm", "norm_type",
                      "scale_grad_by_freq", "mode", "sparse", "padding_idx"),
    nn.Linear: ("in_features", "out_features", "bias"),
    nn.Conv1d: (*_CONV, "bias"), nn.Conv2d: (*_CONV, "bias"), nn.Conv3d: (*_CONV, "bias"),
    nn.BatchNorm1d: _NORM, nn.BatchNorm2d: _NORM, nn.BatchNorm3d: _NORM,
    nn.LayerNorm: ("normalized_shape", "eps", "elementwise_affine"),
    nn.Dropout: ("p",),
    nn.MaxPool2d: ("kernel_size", "stride", "padding"),
    nn.AvgPool2d: ("kernel_size", "stride", "padding"),
    nn.AdaptiveAvgPool2d: ("output_size",),
}  # fmt: skip


@dataclass(frozen=True)
class ParameterRow:
    """One parameter tensor: its dotted name, shape, number of values and requires_grad.

    >>> ParameterRow("weight", (3, 2), 6, True).count
    6
    """

    name: str
    shape: tuple[int, ...]
    count: int
    requires_grad: bool


@dataclass(frozen=True)
class BufferRow:
    """One buffer: state saved with the model that no optimizer updates (e.g. running_mean).

    >>> BufferRow("bn.running_mean", (4,), 4, "float32").dtype
    'float32'
    """

    name: str
    shape: tuple[int, ...]
    count: int
    dtype: str


@dataclass(frozen=True)
class HyperparameterRow:
    """One hyperparameter: where it lives (owner), its name and its value.

    >>> HyperparameterRow("optimizer.param_groups[0]", "lr", 0.1).value
    0.1
    """

    owner: str
    name: str
    value: object


@dataclass(frozen=True)
class ModelReport:
    """Learnable and frozen parameters, buffers and hyperparameters of a model (and optimizer).

    >>> report = describe_model(nn.Embedding(10, 3))
    >>> report.learnable_count, [row.name for row in report.learnable]
    (30, ['weight'])
    """

    learnable: tuple[ParameterRow, ...]
    frozen: tuple[ParameterRow, ...]
    buffers: tuple[BufferRow, ...]
    hyperparameters: tuple[HyperparameterRow, ...]

    @property
    def learnable_count(self) -> int:
        """Total number of values the optimizer can change."""
        return sum(row.count for row in self.learnable)

    @property
    def frozen_count(self) -> int:
        """Total number of parameter values with requires_grad=False."""
        return sum(row.count for row in self.frozen)

    def rows(self) -> list[dict[str, object]]:
        """Return every entry as a dict with a ``kind`` column, ready to show as a table.

        >>> row = describe_model(nn.Linear(2, 1)).rows()[0]
        >>> row["kind"], row["name"], row["shape"], row["count"]
        ('learnable', 'weight', (1, 2), 2)
        """
        rows: list[dict[str, object]] = []
        for kind, params in (("learnable", self.learnable), ("frozen", self.frozen)):
            for p in params:
                rows.append(dict(kind=kind, owner="", name=p.name, shape=p.shape, count=p.count,
                                 value=""))  # fmt: skip
        for b in self.buffers:
            rows.append(dict(kind="buffer", owner="", name=b.name, shape=b.shape, count=b.count,
                             value=""))  # fmt: skip
        for h in self.hyperparameters:
            rows.append(dict(kind="hyperparameter", owner=h.owner, name=h.name, shape="",
                             count="", value=h.value))  # fmt: skip
        return rows

    def to_markdown(self, kinds: tuple[str, ...] | None = None) -> str:
        """Return the rows (optionally only some ``kinds``) as a Markdown table.

        >>> print(describe_model(nn.Linear(2, 1)).to_markdown(kinds=("learnable",)))
        | kind | owner | name | shape | count | value |
        |---|---|---|---|---|---|
        | learnable |  | weight | (1, 2) | 2 |  |
        | learnable |  | bias | (1,) | 1 |  |
        """
        valid = ("learnable", "frozen", "buffer", "hyperparameter")
        if kinds is not None and (isinstance(kinds, str) or not isinstance(kinds, tuple | list)):
            raise TypeError(
                f"kinds must be a tuple of kind names such as ('learnable',), got {kinds!r}"
            )
        if kinds is not None and not set(kinds) <= set(valid):
            raise ValueError(f"kinds must be drawn from {valid}, got {kinds!r}")
        columns = ["kind", "owner", "name", "shape", "count", "value"]
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        for row in self.rows():
            if kinds is None or row["kind"] in kinds:
                lines.append("| " + " | ".join(str(row[c]) for c in columns) + " |")
        return "\n".join(lines)


def _module_hyperparameters(name: str, module: nn.Module) -> list[HyperparameterRow]:
    owner = name or type(module).__name__
    attributes = next(
        (attrs for cls, attrs in _HYPERPARAMETER_ATTRIBUTES.items() if type(module) is cls), None
    )
    if attributes is None:  # unknown type: fall back to what it prints about itself
        extra = module.extra_repr()
        return [HyperparameterRow(owner, "extra_repr", extra)] if extra else []
    rows = []
    for attr in attributes:
        value = getattr(module, attr)
        if attr == "bias" and not isinstance(value, bool):  # Linear/Conv store the tensor
            value = value is not None
        rows.append(HyperparameterRow(owner, attr, value))
    return rows


def describe_model(
    module: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    *,
    training: Mapping[str, object] | None = None,
) -> ModelReport:
    """Sort what ``module`` (and ``optimizer``) hold into parameters, buffers and hyperparameters.

    ``training`` adds loop-level hyperparameters that live in neither object (batch size, epochs).

    >>> model = nn.Sequential(nn.Embedding(5, 2), nn.Linear(2, 1))
    >>> opt = torch.optim.SGD(model.parameters(), lr=0.1)
    >>> report = describe_model(model, opt, training={"batch_size": 32})
    >>> [(h.owner, h.name) for h in report.hyperparameters if h.name in ("lr", "batch_size")]
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
    learnable, frozen = [], []
    for name, param in module.named_parameters():
        row = ParameterRow(name, tuple(param.shape), param.numel(), param.requires_grad)
        (learnable if param.requires_grad else frozen).append(row)
    buffers = [
        BufferRow(name, tuple(buf.shape), buf.numel(), str(buf.dtype).removeprefix("torch."))
        for name, buf in module.named_buffers()
    ]
    hyper = [
        row for name, sub in module.named_modules() for row in _module_hyperparameters(name, sub)
    ]
    if optimizer is not None:
        hyper.append(HyperparameterRow("optimizer", "type", type(optimizer).__name__))
        for i, group in enumerate(optimizer.param_groups):
            for key, value in group.items():
                if key != "params":
                    hyper.append(HyperparameterRow(f"optimizer.param_groups[{i}]", key, value))
    for key, value in (training or {}).items():
        hyper.append(HyperparameterRow("training loop", str(key), value))
    return ModelReport(tuple(learnable), tuple(frozen), tuple(buffers), tuple(hyper))


@dataclass(frozen=True)
class StateSnapshot:
    """Copies of parameters and buffers and the hyperparameter values at one moment.

    >>> snap = snapshot_state(nn.Linear(2, 1))
    >>> sorted(snap.parameters), snap.buffers
    (['bias', 'weight'], {})
    """

    parameters: dict[str, Tensor]
    buffers: dict[str, Tensor]
    hyperparameters: dict[str, object]


def snapshot_state(
    module: nn.Module, optimizer: torch.optim.Optimizer | None = None
) -> StateSnapshot:
    """Copy every parameter, buffer and hyperparameter value so a later state can be compared.

    >>> snapshot_state(nn.BatchNorm1d(3)).buffers["running_var"].tolist()
    [1.0, 1.0, 1.0]
    """
    report = describe_model(module, optimizer)
    return StateSnapshot(
        parameters={n: p.detach().clone() for n, p in module.named_parameters()},
        buffers={n: b.detach().clone() for n, b in module.named_buffers()},
        hyperparameters={f"{h.owner}.{h.name}": h.value for h in report.hyperparameters},
    )


def _differs(a: object, b: object) -> bool:
    """Values differ: tensors unless bit-identical (NaN matching NaN), others by ``!=``."""
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        if not (isinstance(a, Tensor) and isinstance(b, Tensor)) or a.shape != b.shape:
            return True
        return not bool(_same(a, b).all())
    if isinstance(a, tuple | list) and isinstance(b, tuple | list) and len(a) == len(b):
        return any(_differs(x, y) for x, y in zip(a, b, strict=True))  # betas, sizes
    return bool(a != b)


def changed_names(before: StateSnapshot, after: StateSnapshot) -> dict[str, list[str]]:
    """Return which parameters, buffers and hyperparameters differ between two snapshots.

    A name present in only one of the snapshots (a buffer registered in between, say) counts
    as changed; names come in the order of ``before``, then the new ones of ``after``.

    >>> layer = nn.Linear(2, 1)
    >>> before = snapshot_state(layer)
    >>> with torch.no_grad():
    ...     _ = layer.bias.add_(1.0)
    >>> changed_names(before, snapshot_state(layer))
    {'parameters': ['bias'], 'buffers': [], 'hyperparameters': []}
    """
    for name, snapshot in (("before", before), ("after", after)):
        if not isinstance(snapshot, StateSnapshot):
            raise TypeError(
                f"{name} must be a StateSnapshot from snapshot_state(model), got "
                f"{type(snapshot).__name__}"
            )
    changed = {}
    for kind in ("parameters", "buffers", "hyperparameters"):
        old, new = getattr(before, kind), getattr(after, kind)
        names = [*old, *(k for k in new if k not in old)]
        changed[kind] = [
            k for k in names if k not in old or k not in new or _differs(old[k], new[k])
        ]
    return changed
