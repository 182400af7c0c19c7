"""Input checks for the modules behind "what the table learns" (corpus, projection, projector,
their plots and widgets), in one place so they can later move to embedlib's shared validator.

Every check raises TypeError for a wrong type and ValueError for a wrong value, and its message
names the argument, shows the bad value and says how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


def _shown(value: object, limit: int = 60) -> str:
    """A short repr of ``value`` for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_table(
    weight: object, name: str = "weight", *, min_rows: int = 1, min_cols: int = 1
) -> torch.Tensor:
    """Return ``weight`` detached if it is a finite 2-D float tensor of at least the given size."""
    if isinstance(weight, torch.nn.Embedding):
        raise TypeError(
            f"{name} must be a 2-D tensor, got an nn.Embedding module; pass its table: "
            f"{name}=embedding.weight.detach()"
        )
    if not isinstance(weight, torch.Tensor):
        raise TypeError(
            f"{name} must be a 2-D float torch.Tensor (rows = ids), got {type(weight).__name__}; "
            f"convert with torch.tensor({name}, dtype=torch.float32)"
        )
    if not weight.is_floating_point():
        raise TypeError(
            f"{name} must hold floats, got dtype {weight.dtype}; convert with {name}.float()"
        )
    if weight.dim() != 2:
        raise ValueError(
            f"{name} must be 2-D (num_rows, dim), got shape {tuple(weight.shape)}; "
            f"a single row needs {name}.unsqueeze(0), a stack of tables one table at a time"
        )
    rows, cols = weight.shape
    if rows < min_rows:
        raise ValueError(f"{name} must have at least {min_rows} rows, got shape {(rows, cols)}")
    if cols < min_cols:
        raise ValueError(f"{name} must have at least {min_cols} columns, got shape {(rows, cols)}")
    weight = weight.detach()
    finite = torch.isfinite(weight)
    if not bool(finite.all()):
        bad = (~finite).nonzero()[0].tolist()
        raise ValueError(
            f"{name} must be finite, but {int((~finite).sum())} entries are nan or inf "
            f"(the first at {name}[{bad[0]}, {bad[1]}] = {weight[bad[0], bad[1]].item()}); "
            "training diverged or the table was never filled: lower the learning rate or "
            "re-initialise the table"
        )
    return weight


def check_int(value: object, name: str, *, minimum: int, maximum: int | None = None) -> int:
    """Return ``value`` if it is an int (not a bool) in ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {_shown(value)}")
    if value < minimum or (maximum is not None and value > maximum):
        upper = "" if maximum is None else f" and <= {maximum}"
        raise ValueError(f"{name} must be >= {minimum}{upper}, got {value}")
    return value


def check_strings(
    values: object,
    name: str,
    *,
    count: int | None = None,
    count_of: str = "",
    allow_none: bool = False,
    forbidden: str = "",
) -> tuple[str | None, ...]:
    """Return ``values`` as a tuple if it is a sequence of non-blank strings (or None if allowed).

    ``count`` (with ``count_of`` naming what it counts) fixes the length; ``forbidden`` lists
    characters no string may contain.
    """
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise TypeError(
            f"{name} must be a list or tuple of strings, one per row, got "
            f"{type(values).__name__} {_shown(values)}"
        )
    values = tuple(values)
    if count is not None and len(values) != count:
        raise ValueError(
            f"{name} has {len(values)} entries but {count_of} has {count}; "
            f"give exactly one entry per row of {count_of}"
        )
    for i, value in enumerate(values):
        if value is None and allow_none:
            continue
        if not isinstance(value, str):
            kind = "a string or None" if allow_none else "a string"
            raise TypeError(
                f"{name}[{i}] must be {kind}, got {type(value).__name__} {_shown(value)}; "
                f"convert with str()"
            )
        if not value.strip():
            raise ValueError(f"{name}[{i}] is blank ({value!r}): give every entry visible text")
        bad = [c for c in forbidden if c in value]
        if bad:
            raise ValueError(
                f"{name}[{i}] = {value!r} contains {bad[0]!r}, which is not allowed here; "
                "replace it (for example with a space or '_')"
            )
    return values
