"""Diagnose a batch of ids before it reaches ``nn.Embedding``: say what is wrong and how to fix it.

``explain_ids`` never raises for ids that are merely *wrong* (float, too large, negative, a Python
list ...): reporting those is its job. It raises ``TypeError`` only for things that are not id-like
at all (a string, a dict, ``None``) and ``ValueError`` for a table size that cannot exist.
``check_ids`` runs the same analysis and raises the first problem: every function of embedlib
that takes ids checks them with it, so each fault is found one way and worded one way.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from embedlib._checks import check_count

__all__ = ["check_ids", "explain_ids"]

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


Problem = tuple[type[Exception], str]  # (TypeError or ValueError, one sentence with the fix)


def _table_size(embedding_or_num_embeddings: nn.Module | int) -> tuple[int, torch.device | None]:
    """Return (num_embeddings, device of the weight or None) from an Embedding or an int."""
    arg = embedding_or_num_embeddings
    if isinstance(arg, nn.Embedding | nn.EmbeddingBag):
        return check_count(arg.num_embeddings, "embedding.num_embeddings"), arg.weight.device
    if isinstance(arg, bool) or not isinstance(arg, int):
        raise TypeError(
            "embedding_or_num_embeddings must be an nn.Embedding, an nn.EmbeddingBag or an int "
            f"(the number of rows), got {type(arg).__name__}"
        )
    return check_count(arg, "num_embeddings"), None


def _as_tensor(ids: object, name: str = "ids") -> torch.Tensor:
    """Turn id-like input into a tensor, or raise TypeError if it is not id-like at all.

    An empty list becomes an empty int64 tensor (torch would make it float32).
    """
    if isinstance(ids, torch.Tensor):
        tensor = ids
    elif isinstance(ids, str | bytes) or (
        isinstance(ids, Sequence) and any(isinstance(item, str | bytes) for item in ids)
    ):
        raise TypeError(
            f"{name} must be integer ids, got text ({type(ids).__name__}): map each token to its "
            "id with the vocabulary first (e.g. [token_to_id[t] for t in tokens])"
        )
    else:
        try:
            tensor = torch.as_tensor(ids)
        except (TypeError, ValueError, RuntimeError) as err:
            raise TypeError(
                f"{name} must be a tensor or a (nested, rectangular) list of ints, got "
                f"{type(ids).__name__} that torch cannot turn into a tensor ({err}); pad ragged "
                "lists to one length first"
            ) from err
        if tensor.numel() == 0:
            tensor = tensor.long()
    if tensor.layout != torch.strided:
        raise TypeError(
            f"{name} must be a dense tensor, got layout {tensor.layout}: call .to_dense()"
        )
    if tensor.is_complex():
        raise TypeError(f"{name} must be integer ids, got complex dtype {tensor.dtype}")
    return tensor.detach()


def _type_problems(input_type: str, values: torch.Tensor, name: str) -> list[Problem]:
    """Sentences about a wrong container or dtype; empty if nn.Embedding accepts them."""
    dtype, problems = values.dtype, []
    whole = not dtype.is_floating_point or (
        bool(torch.isfinite(values).all()) and bool((values == values.round()).all())
    )
    if input_type != "torch.Tensor":
        problems.append((TypeError,
            f"{name} are of type {input_type}, but nn.Embedding only takes a tensor: build it "
            f"with torch.tensor({name}, dtype=torch.long)."))  # fmt: skip
        if whole and dtype != torch.bool:
            return problems  # torch.tensor(..., dtype=torch.long) fixes the dtype as well
    if dtype in _ACCEPTED_DTYPES:
        return problems
    if dtype == torch.bool:
        fix = f"use {name}.nonzero() to get the positions, or .long() if 0/1 really are the ids."
        sentence = f"{name} have dtype torch.bool, which looks like a mask, not ids: {fix}"
    elif dtype.is_floating_point and whole:
        sentence = (
            f"{name} have dtype {dtype}, but nn.Embedding needs integer ids (torch.long "
            f"or torch.int32): every value is a whole number, so {name}.long() is safe."
        )
    elif dtype.is_floating_point:
        sentence = (
            f"{name} have dtype {dtype} and are not all whole numbers (or are nan/inf), "
            "so they are not ids: .long() would silently truncate them; find where the "
            "ids were computed with floats and keep them integer (torch.long) from the "
            "start."
        )
    else:
        sentence = (
            f"{name} have dtype {dtype}, which nn.Embedding rejects (it takes only "
            f"torch.long or torch.int32): convert with {name}.long()."
        )
    return [*problems, (TypeError, sentence)]  # fmt: skip


def _range_problems(report: IdReport, device: str, table_device: object, name: str) -> list:
    """Sentences about negative ids, ids past the table, and a table on another device."""
    n, where = report.num_embeddings, "" if name == "ids" else f" in {name}"
    problems = []
    if report.n_negative:
        problems.append((ValueError,
            f"{report.n_negative} id(s){where} are negative (smallest id {_fmt(report.min_id)}): "
            "nn.Embedding does not do Python-style negative indexing (-1 is not the last row), "
            f"so map them to real rows in 0..{n - 1}, e.g. give padding or unknown tokens their "
            "own id."))  # fmt: skip
    if report.n_out_of_range:
        needed = report.needed_num_embeddings
        problems.append((ValueError,
            f"{report.n_out_of_range} id(s){where} are >= num_embeddings={n} (largest id "
            f"{_fmt(report.max_id)}): num_embeddings must be at least max_id + 1 = "
            f"{needed if needed is not None else 'inf, which no table is'} (did the vocabulary "
            f"forget a padding or unknown token?), or remap the ids into 0..{n - 1}."))  # fmt: skip
    if table_device is not None and str(table_device) != device:
        problems.append((ValueError,
            f"{name} are on {device} but the table is on {table_device}: move them with "
            f"{name}.to(embedding.weight.device)."))  # fmt: skip
    return problems


def _counts(values: torch.Tensor, num_embeddings: int) -> dict[str, object]:
    """Range, the table size it needs, and how many ids fall outside 0..num_embeddings-1."""
    if values.numel() == 0:
        return dict(min_id=None, max_id=None, needed_num_embeddings=None, n_negative=0,
                    n_out_of_range=0)  # fmt: skip
    as_number = float if values.dtype.is_floating_point else int
    min_id, max_id = as_number(values.min()), as_number(values.max())
    return dict(
        min_id=min_id,
        max_id=max_id,
        needed_num_embeddings=max(math.floor(max_id) + 1, 0) if math.isfinite(max_id) else None,
        n_negative=int((values < 0).sum()),
        n_out_of_range=int((values >= num_embeddings).sum()),
    )


def _analyse(ids: object, table: nn.Module | int, name: str) -> tuple[IdReport, list[Problem]]:
    """The report of ``explain_ids`` and its problems, each with the exception it deserves."""
    num_embeddings, table_device = _table_size(table)
    if isinstance(ids, torch.Tensor):
        input_type = "torch.Tensor"
    else:
        module = type(ids).__module__
        input_type = (
            type(ids).__name__ if module == "builtins" else f"{module}.{type(ids).__name__}"
        )
    tensor = _as_tensor(ids, name)
    values = tensor.to("cpu")
    report = IdReport(input_type, tensor.dtype, str(tensor.device), tuple(tensor.shape),
                      values.numel(), num_embeddings=num_embeddings,
                      **_counts(values, num_embeddings), problems=())  # fmt: skip
    problems = _type_problems(input_type, values, name)
    problems += _range_problems(report, str(tensor.device), table_device, name)
    return report, problems


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
    report, problems = _analyse(ids, embedding_or_num_embeddings, "ids")
    return dataclasses.replace(report, problems=tuple(sentence for _, sentence in problems))


def check_ids(ids: object, num_embeddings: int, *, name: str = "ids") -> torch.Tensor:
    """Check that ``ids`` can index a table of ``num_embeddings`` rows; return them unchanged.

    Runs ``explain_ids``' analysis and raises its first problem: TypeError for a list or a
    dtype ``nn.Embedding`` rejects, ValueError for negative or too-large ids. ``name`` is the
    argument named in the message.

    >>> check_ids(torch.tensor([0, 9]), 10)
    tensor([0, 9])
    >>> check_ids(torch.tensor([3, 10]), 10)
    Traceback (most recent call last):
    ...
    ValueError: 1 id(s) are >= num_embeddings=10 (largest id 10): num_embeddings must be at least max_id + 1 = 11 (did the vocabulary forget a padding or unknown token?), or remap the ids into 0..9.
    """  # noqa: E501
    if isinstance(num_embeddings, nn.Module):
        raise TypeError(
            f"num_embeddings must be an int, got {type(num_embeddings).__name__}; pass "
            "embedding.num_embeddings"
        )
    check_count(num_embeddings, "num_embeddings")
    _, problems = _analyse(ids, num_embeddings, name)
    if problems:
        error, sentence = problems[0]
        raise error(sentence)
    return ids
