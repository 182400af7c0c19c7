"""Argument checks shared by the compute layer: each fault is checked here and worded one way.

The rule: a wrong *type* is a TypeError, a wrong *value or shape* is a ValueError, and every
message names the argument, the bad value and the fix. Ids are checked by
``embedlib.diagnose.check_ids``; everything else that several functions take is checked here.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

__all__: list[str] = []  # private: used by the compute modules only

MAX_TABLE_ELEMENTS = 2**25  # 33.5 million values, 128 MB of float32: the largest table we build


def check_number(
    value: object, name: str, *, low: float = -math.inf, strict: bool = False
) -> float:
    """``value`` as a finite float ``>= low`` (``> low`` when ``strict``); raise otherwise.

    >>> check_number(0.1, "lr", low=0.0)
    0.1
    >>> check_number(float("nan"), "lr")
    Traceback (most recent call last):
    ...
    ValueError: lr must be a finite number, got nan; pass e.g. lr=0.1
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            f"{name} must be a number, got {value!r} ({type(value).__name__}); pass e.g. {name}=0.1"
        )
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}; pass e.g. {name}=0.1")
    if value < low or (strict and value == low):
        relation = ">" if strict else ">="
        raise ValueError(f"{name} must be {relation} {low:g}, got {value!r}")
    return float(value)


def check_count(value: object, name: str, *, low: int = 1, high: int | None = None) -> int:
    """``value`` as an int in ``low..high``; raise TypeError/ValueError naming ``name`` otherwise.

    >>> check_count(4, "embedding_dim")
    4
    >>> check_count(0, "num_embeddings")
    Traceback (most recent call last):
    ...
    ValueError: num_embeddings must be an int >= 1, got 0
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {value!r} ({type(value).__name__})")
    if value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value}")
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


def check_table_size(num_embeddings: object, embedding_dim: object) -> tuple[int, int]:
    """Check a table size to be built: positive ints with at most ``MAX_TABLE_ELEMENTS`` values.

    >>> check_table_size(10**6, 10**3)
    Traceback (most recent call last):
    ...
    ValueError: num_embeddings x embedding_dim = 1,000,000 x 1,000 is 1,000,000,000 values, more than the 33,554,432 (128 MB of float32) embedlib builds; pass a smaller table
    """  # noqa: E501
    rows = check_count(num_embeddings, "num_embeddings")
    dim = check_count(embedding_dim, "embedding_dim")
    if rows * dim > MAX_TABLE_ELEMENTS:
        raise ValueError(
            f"num_embeddings x embedding_dim = {rows:,} x {dim:,} is {rows * dim:,} values, more "
            f"than the {MAX_TABLE_ELEMENTS:,} (128 MB of float32) embedlib builds; "
            "pass a smaller table"
        )
    return rows, dim


def check_table(weight: object, name: str = "weight") -> Tensor:
    """Check a 2-D floating-point table of at least one row and one column; return it.

    A 1-D tensor is one vector, not a table (``weight.unsqueeze(0)`` makes it a 1-row table);
    a table with 0 rows or 0 columns has nothing to look up.

    >>> check_table(torch.zeros(3))
    Traceback (most recent call last):
    ...
    ValueError: weight must be 2-D (num_embeddings, embedding_dim), got shape (3,); pass the whole table, e.g. embedding.weight (for a single row: weight.unsqueeze(0))
    """  # noqa: E501
    if not isinstance(weight, Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor of shape (num_embeddings, embedding_dim), got "
            f"{type(weight).__name__}; pass embedding.weight or torch.tensor(...)"
        )
    if weight.layout != torch.strided:
        raise TypeError(
            f"{name} must be a dense tensor, got layout {weight.layout}; call .to_dense()"
        )
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
    if weight.numel() == 0:
        raise ValueError(
            f"{name} has shape {tuple(weight.shape)}: a table needs at least one row and one "
            "column (num_embeddings >= 1, embedding_dim >= 1)"
        )
    return weight
