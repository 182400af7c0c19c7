"""Argument checks shared by the compute layer: each fault is checked here and worded one way.

The rule: a wrong *type* is a TypeError, a wrong *value or shape* is a ValueError, and every
message names the argument, the bad value and the fix. Ids are checked by
``embedlib.diagnose.check_ids``; everything else that several functions take is checked here:
numbers, counts, seeds, table sizes, tables and lists of labels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor, nn

__all__: list[str] = []  # private: used by the compute modules only

MAX_TABLE_ELEMENTS = 2**25  # 33.5 million values, 128 MB of float32: the largest table we build


def check_number(
    value: object, name: str, *, low: float = -math.inf, strict: bool = False, context: str = ""
) -> float:
    """``value`` as a finite float ``>= low`` (``> low`` when ``strict``); raise otherwise.

    ``context`` prefixes the message, e.g. ``"xavier_normal: "`` for a scheme's parameter.

    >>> check_number(0.1, "lr", low=0.0)
    0.1
    >>> check_number(float("nan"), "sigma", context="normal_sigma: ")
    Traceback (most recent call last):
    ...
    ValueError: normal_sigma: sigma must be a finite number, got nan; pass a finite number such as sigma=1.0
    """  # noqa: E501
    fix = f"pass a finite number such as {name}=1.0"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            f"{context}{name} must be a number, got {value!r} ({type(value).__name__}); {fix}"
        )
    if not math.isfinite(value):
        raise ValueError(f"{context}{name} must be a finite number, got {value!r}; {fix}")
    if value < low or (strict and value == low):
        relation = ">" if strict else ">="
        raise ValueError(f"{context}{name} must be {relation} {low:g}, got {value!r}; {fix}")
    return float(value)


def _shown(value: object, limit: int = 60) -> str:
    """A short repr of ``value`` for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_count(value: object, name: str, *, low: int = 1, high: int | None = None) -> int:
    """``value`` as an int in ``low..high``; raise TypeError/ValueError naming ``name`` otherwise.

    >>> check_count(4, "embedding_dim")
    4
    >>> check_count(0, "num_embeddings")
    Traceback (most recent call last):
    ...
    ValueError: num_embeddings must be an int >= 1, got 0; pass 1 or more
    >>> check_count(2.0, "k")
    Traceback (most recent call last):
    ...
    TypeError: k must be an int, got 2.0 (float); pass a whole number such as 2
    """
    if isinstance(value, bool) or not isinstance(value, int):
        whole = isinstance(value, float) and value.is_integer() and value >= low
        raise TypeError(
            f"{name} must be an int, got {_shown(value)} ({type(value).__name__}); "
            f"pass a whole number such as {int(value) if whole else max(low, 1)}"
        )
    if value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value}; pass {low} or more")
    if high is not None and value > high:
        raise ValueError(f"{name} must be at most {high:,}, got {value:,}; pass a smaller {name}")
    return value


def check_seed(seed: object) -> int:
    """A seed for ``torch.Generator().manual_seed``: an int in 0..2**64 - 1.

    >>> check_seed(None)
    Traceback (most recent call last):
    ...
    TypeError: seed must be an int, got None (NoneType); pass e.g. seed=0
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(
            f"seed must be an int, got {seed!r} ({type(seed).__name__}); pass e.g. seed=0"
        )
    if not 0 <= seed < 2**64:
        raise ValueError(f"seed must be in 0..2**64 - 1, got {seed}; pass e.g. seed=0")
    return seed


def check_table_size(
    num_embeddings: object,
    embedding_dim: object,
    names: tuple[str, str] = ("num_embeddings", "embedding_dim"),
) -> tuple[int, int]:
    """Check a table size to be built: positive ints with at most ``MAX_TABLE_ELEMENTS`` values.

    >>> check_table_size(10**6, 10**3)
    Traceback (most recent call last):
    ...
    ValueError: num_embeddings x embedding_dim = 1,000,000 x 1,000 is 1,000,000,000 values, more than the 33,554,432 (128 MB of float32) embedlib builds; pass a smaller table
    """  # noqa: E501
    rows, dim = check_count(num_embeddings, names[0]), check_count(embedding_dim, names[1])
    if rows * dim > MAX_TABLE_ELEMENTS:
        raise ValueError(
            f"{names[0]} x {names[1]} = {rows:,} x {dim:,} is {rows * dim:,} values, more "
            f"than the {MAX_TABLE_ELEMENTS:,} (128 MB of float32) embedlib builds; "
            "pass a smaller table"
        )
    return rows, dim


def _at_least(count: int, thing: str) -> str:
    return f"one {thing}" if count == 1 else f"{count} {thing}s"


def _check_finite(weight: Tensor, name: str) -> None:
    bad = (~torch.isfinite(weight)).nonzero()
    if len(bad):
        row, col = bad[0].tolist()
        raise ValueError(
            f"{name} must be finite, but {len(bad)} entries are nan or inf (the first at "
            f"{name}[{row}, {col}] = {weight[row, col].item()}); training diverged or the table "
            "was never filled: lower the learning rate or re-initialise the table"
        )


def check_table(
    weight: object,
    name: str = "weight",
    *,
    min_rows: int = 1,
    min_cols: int = 1,
    finite: bool = False,
) -> Tensor:
    """Check a 2-D floating-point table of at least ``min_rows`` x ``min_cols``; return it detached.

    A 1-D tensor is a vector, not a table (``weight.unsqueeze(0)`` is); ``finite`` refuses NaN/inf.

    >>> check_table(torch.zeros(3))
    Traceback (most recent call last):
    ...
    ValueError: weight must be 2-D (num_embeddings, embedding_dim), got shape (3,); pass the whole table, e.g. embedding.weight (for a single row: weight.unsqueeze(0))
    >>> check_table(torch.zeros(1, 4), "xy", min_rows=2)
    Traceback (most recent call last):
    ...
    ValueError: xy has shape (1, 4), but needs at least 2 rows and one column; pass a larger table
    """  # noqa: E501
    if not isinstance(weight, Tensor):
        got, fix = type(weight).__name__, "pass embedding.weight or torch.tensor(...)"
        if isinstance(weight, nn.Module):
            got, fix = f"an nn.{got} module", "pass its table, embedding.weight"
        raise TypeError(f"{name} must be a torch.Tensor of shape (num_embeddings, "
                        f"embedding_dim), got {got}; {fix}")  # fmt: skip
    if weight.layout != torch.strided:
        raise TypeError(f"{name} must be a dense tensor, got layout {weight.layout}; "
                        "call .to_dense()")  # fmt: skip
    if weight.dim() != 2:
        raise ValueError(
            f"{name} must be 2-D (num_embeddings, embedding_dim), got shape "
            f"{tuple(weight.shape)}; pass the whole table, e.g. embedding.weight "
            f"(for a single row: {name}.unsqueeze(0))"
        )
    if not weight.is_floating_point():
        raise TypeError(
            f"{name} must be a floating-point tensor, got dtype {weight.dtype}; "
            f"convert it with {name}.float()"
        )
    rows, cols = weight.shape
    if rows < min_rows or cols < min_cols:
        raise ValueError(
            f"{name} has shape {(rows, cols)}, but needs at least {_at_least(min_rows, 'row')} "
            f"and {_at_least(min_cols, 'column')}; pass a larger table"
        )
    if finite:
        _check_finite(weight.detach(), name)
    return weight.detach()


def check_strings(
    values: object,
    name: str,
    *,
    count: int | None = None,
    count_of: str = "",
    allow_none: bool = False,
    forbidden: str = "",
) -> tuple[str | None, ...]:
    """``values`` as a tuple of non-blank strings (and None where ``allow_none``), one per row.

    ``count`` (with ``count_of`` naming what it counts) fixes the length; ``forbidden`` lists
    characters no string may contain.

    >>> check_strings(["cat", "dog"], "labels", count=3, count_of="weight")
    Traceback (most recent call last):
    ...
    ValueError: labels has 2 entries but weight has 3; give exactly one entry per row of weight
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
                "convert it with str()"
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
