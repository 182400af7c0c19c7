"""Diagnose a batch of ids before it reaches ``nn.Embedding``: say what is wrong and how to fix it.

``explain_ids`` never raises for ids that are merely *wrong* (float, too large, negative, a Python
list ...): reporting those is its job. It raises ``TypeError`` only for things that are not id-like
at all (a string, a dict, ``None``) and ``ValueError`` for a table size that cannot exist.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

__all__ = ["explain_ids"]

_ACCEPTED_DTYPES = (torch.int64, torch.int32)  # what F.embedding accepts for indices


@dataclass(frozen=True)
class IdReport:
    """What a batch of ids looks like next to a table of ``num_embeddings`` rows.

    >>> report = explain_ids(torch.tensor([[1, 2], [4, 0]]), 5)
    >>> report.ok, report.shape, report.max_id, report.needed_num_embeddings
    (True, (2, 2), 4, 5)
    """

    input_type: str  # "torch.Tensor", "list", "tuple", "numpy.ndarray", "int", ...
    dtype: torch.dtype
    device: str
    shape: tuple[int, ...]
    numel: int
    min_id: int | float | None  # None when there are no ids
    max_id: int | float | None
    num_embeddings: int
    needed_num_embeddings: int | None  # max_id + 1: the smallest table that holds every id
    n_negative: int  # ids < 0
    n_out_of_range: int  # ids >= num_embeddings (negative ids are counted in n_negative)
    problems: tuple[str, ...]  # one sentence each: what is wrong and how to fix it

    @property
    def ok(self) -> bool:
        """True when nn.Embedding will accept these ids as they are.

        >>> explain_ids(torch.tensor([5]), 5).ok
        False
        """
        return not self.problems

    def summary(self) -> str:
        """A readable multi-line description of the ids and every problem found.

        >>> print(explain_ids(torch.tensor([0, 3]), 4).summary())
        ids: torch.Tensor, dtype torch.int64 on cpu, shape (2,), 2 ids
        range: min 0, max 3 -> needs num_embeddings >= 4 (the table has 4)
        negative ids: 0, ids >= num_embeddings: 0
        OK: every id is a valid row of the table.
        """
        lines = [
            f"ids: {self.input_type}, dtype {self.dtype} on {self.device}, "
            f"shape {self.shape}, {self.numel} ids"
        ]
        if self.numel == 0:
            lines.append(f"range: no ids (the table has {self.num_embeddings})")
        else:
            lines.append(
                f"range: min {_fmt(self.min_id)}, max {_fmt(self.max_id)} -> needs "
                f"num_embeddings >= {self.needed_num_embeddings} "
                f"(the table has {self.num_embeddings})"
            )
        lines.append(
            f"negative ids: {self.n_negative}, ids >= num_embeddings: {self.n_out_of_range}"
        )
        if self.ok:
            lines.append("OK: every id is a valid row of the table.")
        else:
            lines.append(f"{len(self.problems)} problem(s):")
            lines.extend(f"  - {problem}" for problem in self.problems)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _fmt(value: int | float | None) -> str:
    """Short text for an id: floats to 6 significant digits (float32 2.3 prints as 2.3)."""
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _table_size(embedding_or_num_embeddings: nn.Module | int) -> tuple[int, torch.device | None]:
    """Return (num_embeddings, device of the weight or None) from an Embedding or an int."""
    arg = embedding_or_num_embeddings
    if isinstance(arg, nn.Embedding | nn.EmbeddingBag):
        return arg.num_embeddings, arg.weight.device
    if isinstance(arg, bool) or not isinstance(arg, int):
        raise TypeError(
            "embedding_or_num_embeddings must be an nn.Embedding, an nn.EmbeddingBag or an int "
            f"(the number of rows), got {type(arg).__name__}"
        )
    if arg <= 0:
        raise ValueError(
            f"embedding_or_num_embeddings={arg} is not a table size: num_embeddings must be a "
            "positive int (the number of rows in the table)"
        )
    return arg, None


def _as_tensor(ids: object) -> torch.Tensor:
    """Turn id-like input into a tensor, or raise TypeError if it is not id-like at all."""
    if isinstance(ids, torch.Tensor):
        tensor = ids
    elif isinstance(ids, str | bytes) or (
        isinstance(ids, Sequence) and any(isinstance(item, str | bytes) for item in ids)
    ):
        raise TypeError(
            f"ids must be integer ids, got text ({type(ids).__name__}): map each token to its id "
            "with the vocabulary first (e.g. [token_to_id[t] for t in tokens])"
        )
    else:
        try:
            tensor = torch.as_tensor(ids)
        except (TypeError, ValueError, RuntimeError) as err:
            raise TypeError(
                f"ids must be a tensor or a (nested, rectangular) list of ints, got "
                f"{type(ids).__name__} that torch cannot turn into a tensor ({err}); pad ragged "
                "lists to one length first"
            ) from err
    if tensor.layout != torch.strided:
        raise TypeError(f"ids must be a dense tensor, got layout {tensor.layout}: call .to_dense()")
    if tensor.is_complex():
        raise TypeError(f"ids must be integer ids, got complex dtype {tensor.dtype}")
    return tensor.detach()


def _dtype_problems(input_type: str, dtype: torch.dtype, values: torch.Tensor) -> list[str]:
    """Sentences about a wrong container or dtype; empty if nn.Embedding accepts them."""
    problems = []
    whole = not dtype.is_floating_point or (
        bool(torch.isfinite(values).all()) and bool((values == values.round()).all())
    )
    if input_type != "torch.Tensor":
        problems.append(
            f"ids are of type {input_type}, but nn.Embedding only takes a tensor: build it with "
            "torch.tensor(ids, dtype=torch.long)."
        )
        if whole and dtype != torch.bool:
            return problems  # torch.tensor(..., dtype=torch.long) fixes the dtype as well
    if dtype in _ACCEPTED_DTYPES:
        return problems
    if dtype == torch.bool:
        problems.append(
            "ids have dtype torch.bool, which looks like a mask, not ids: use "
            "mask.nonzero() to get the positions, or .long() if 0/1 really are the ids."
        )
    elif dtype.is_floating_point and whole:
        problems.append(
            f"ids have dtype {dtype}, but nn.Embedding needs integer ids (torch.long or "
            "torch.int32): every value is a whole number, so ids.long() is safe."
        )
    elif dtype.is_floating_point:
        problems.append(
            f"ids have dtype {dtype} and are not all whole numbers (or are nan/inf), so they are "
            "not ids: .long() would silently truncate them; find where the ids were computed "
            "with floats and keep them integer (torch.long) from the start."
        )
    else:
        problems.append(
            f"ids have dtype {dtype}, which nn.Embedding rejects (it takes only torch.long or "
            "torch.int32): convert with ids.long()."
        )
    return problems


def explain_ids(ids: object, embedding_or_num_embeddings: nn.Module | int) -> IdReport:
    """Report dtype, range and every problem of ``ids`` as indices into an embedding table.

    ``ids`` may be anything id-like (a tensor of any real dtype, a nested list or tuple of
    numbers, a numpy array, an int); ``embedding_or_num_embeddings`` is an ``nn.Embedding`` /
    ``nn.EmbeddingBag`` or its number of rows.

    >>> report = explain_ids(torch.tensor([0, 2, 7]), 5)
    >>> report.ok, report.max_id, report.needed_num_embeddings, report.n_out_of_range
    (False, 7, 8, 1)
    >>> print(report.problems[0][:79])
    1 id(s) are >= num_embeddings=5 (largest id 7): num_embeddings must be at least
    >>> explain_ids([1, 2], 5).problems[0][:59]
    'ids are of type list, but nn.Embedding only takes a tensor:'
    """
    num_embeddings, table_device = _table_size(embedding_or_num_embeddings)
    if isinstance(ids, torch.Tensor):
        input_type = "torch.Tensor"
    else:
        module = type(ids).__module__
        input_type = (
            type(ids).__name__ if module == "builtins" else f"{module}.{type(ids).__name__}"
        )
    tensor = _as_tensor(ids)
    values = tensor.to("cpu")
    problems = _dtype_problems(input_type, tensor.dtype, values)

    numel = values.numel()
    min_id = max_id = needed = None
    n_negative = n_out_of_range = 0
    if numel > 0:
        as_number = float if values.dtype.is_floating_point else int
        min_id, max_id = as_number(values.min()), as_number(values.max())
        if math.isfinite(max_id):
            needed = max(math.floor(max_id) + 1, 0)
        n_negative = int((values < 0).sum())
        n_out_of_range = int((values >= num_embeddings).sum())
    if n_negative:
        problems.append(
            f"{n_negative} id(s) are negative (smallest id {_fmt(min_id)}): nn.Embedding "
            "does not do Python-style negative indexing (-1 is not the last row), so map them "
            f"to real rows in 0..{num_embeddings - 1}, e.g. give padding or unknown tokens "
            "their own id."
        )
    if n_out_of_range:
        problems.append(
            f"{n_out_of_range} id(s) are >= num_embeddings={num_embeddings} "
            f"(largest id {_fmt(max_id)}): num_embeddings must be at least max_id + 1 = "
            f"{needed if needed is not None else 'inf, which no table is'} (did the vocabulary "
            f"forget a padding or unknown token?), or remap the ids into 0..{num_embeddings - 1}."
        )
    if table_device is not None and table_device != tensor.device:
        problems.append(
            f"ids are on {tensor.device} but the table is on {table_device}: move them with "
            "ids.to(embedding.weight.device)."
        )
    return IdReport(
        input_type=input_type,
        dtype=tensor.dtype,
        device=str(tensor.device),
        shape=tuple(tensor.shape),
        numel=numel,
        min_id=min_id,
        max_id=max_id,
        num_embeddings=num_embeddings,
        needed_num_embeddings=needed,
        n_negative=n_negative,
        n_out_of_range=n_out_of_range,
        problems=tuple(problems),
    )
