"""An embedding lookup is row selection, checked three ways: module, indexing, one-hot matmul.

>>> emb = torch.nn.Embedding(10, 3)
>>> trace = trace_lookup(emb, torch.tensor([[1, 2], [4, 2]]))
>>> trace.output.shape, trace.all_equal
(torch.Size([2, 2, 3]), True)
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["check_ids", "mean_pool", "trace_lookup"]

_INDEX_DTYPES = (torch.long, torch.int32)  # what nn.Embedding accepts


def check_ids(ids: object, num_embeddings: int, *, name: str = "ids") -> torch.Tensor:
    """Check that ``ids`` can index a table of ``num_embeddings`` rows; return them unchanged.

    Raises TypeError for lists and non-integer dtypes, ValueError for negative or too-large ids,
    each message saying how to fix it.

    >>> check_ids(torch.tensor([0, 9]), 10)
    tensor([0, 9])
    >>> check_ids(torch.tensor([3, 10]), 10)
    Traceback (most recent call last):
    ...
    ValueError: ids must be < num_embeddings=10, but the largest id is 10: the table has 10 rows (ids 0..9), so num_embeddings must be max_id + 1 = 11 or more
    """  # noqa: E501
    if isinstance(num_embeddings, bool) or not isinstance(num_embeddings, int):
        raise TypeError(f"num_embeddings must be an int, got {type(num_embeddings).__name__}")
    if num_embeddings < 0:
        raise ValueError(f"num_embeddings must be >= 0, got {num_embeddings}")
    if not isinstance(ids, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor, got {type(ids).__name__}; "
            f"wrap it: torch.tensor({name}, dtype=torch.long)"
        )
    if ids.is_floating_point() or ids.is_complex():
        raise TypeError(
            f"{name} must be an integer tensor (torch.long), got dtype {ids.dtype}; "
            f"ids are row numbers, convert with {name}.long() (round first if needed)"
        )
    if ids.dtype not in _INDEX_DTYPES:
        raise TypeError(
            f"{name} must be torch.long (or torch.int32), got dtype {ids.dtype}; "
            f"convert with {name}.long()"
        )
    if ids.numel() == 0:
        return ids
    smallest, largest = int(ids.min()), int(ids.max())
    if smallest < 0:
        raise ValueError(
            f"{name} must be >= 0, but the smallest id is {smallest}: an embedding table has no "
            f"Python-style negative indexing; use num_embeddings + id instead "
            f"(e.g. {num_embeddings - 1} for -1 in a table of {num_embeddings} rows)"
        )
    if largest >= num_embeddings:
        raise ValueError(
            f"{name} must be < num_embeddings={num_embeddings}, but the largest id is {largest}: "
            f"the table has {num_embeddings} rows (ids 0..{num_embeddings - 1}), "
            f"so num_embeddings must be max_id + 1 = {largest + 1} or more"
        )
    return ids


@dataclass(frozen=True)
class LookupTrace:
    """One lookup, computed three ways, with the evidence that the three agree.

    ``ids`` keeps its shape (*); ``one_hot`` is (ids.numel(), num_embeddings); ``gathered``,
    ``output`` and ``one_hot_output`` are (*, embedding_dim). All tensors are detached copies.

    >>> trace = trace_lookup(torch.nn.Embedding(5, 2), torch.tensor([[4, 0, 4]]))
    >>> tuple(trace.one_hot.shape), tuple(trace.output.shape), trace.all_equal
    ((3, 5), (1, 3, 2), True)
    """

    ids: torch.Tensor  # (*) int64
    weight: torch.Tensor  # (num_embeddings, embedding_dim), the table the rows were read from
    one_hot: torch.Tensor  # (n, num_embeddings) float, n = ids.numel()
    gathered: torch.Tensor  # (*, embedding_dim) = weight[ids]
    output: torch.Tensor  # (*, embedding_dim) = emb(ids) or F.embedding(ids, weight)
    one_hot_output: torch.Tensor  # (*, embedding_dim) = one_hot @ weight, reshaped
    output_equals_gathered: bool  # emb(x) == weight[x], exactly
    one_hot_equals_gathered: bool  # one_hot(x) @ weight == weight[x], exactly
    max_abs_diff_output: float  # max |emb(x) - weight[x]|
    max_abs_diff_one_hot: float  # max |one_hot(x) @ weight - weight[x]|

    @property
    def num_embeddings(self) -> int:
        """Rows in the table."""
        return self.weight.shape[0]

    @property
    def embedding_dim(self) -> int:
        """Columns in the table (the length of one embedding vector)."""
        return self.weight.shape[1]

    @property
    def all_equal(self) -> bool:
        """True when ``emb(x) == weight[x] == one_hot(x) @ weight`` holds exactly."""
        return self.output_equals_gathered and self.one_hot_equals_gathered


def _max_abs_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).abs().max()) if a.numel() else 0.0


def trace_lookup(
    embedding_or_weight: nn.Embedding | torch.Tensor, ids: torch.Tensor
) -> LookupTrace:
    """Look up ``ids`` three ways (module or ``F.embedding``, ``weight[ids]``, one-hot matmul).

    Pass an ``nn.Embedding`` (its forward is called, so ``max_norm`` renormalises its weight in
    place first, as in training) or a 2-D weight tensor (``F.embedding`` is used).

    >>> weight = torch.arange(6.0).reshape(3, 2)
    >>> trace = trace_lookup(weight, torch.tensor([2, 0, 2]))
    >>> trace.output
    tensor([[4., 5.],
            [0., 1.],
            [4., 5.]])
    >>> trace.one_hot
    tensor([[0., 0., 1.],
            [1., 0., 0.],
            [0., 0., 1.]])
    >>> trace.all_equal, trace.max_abs_diff_one_hot
    (True, 0.0)
    """
    if isinstance(embedding_or_weight, nn.Embedding):
        module = embedding_or_weight
        check_ids(ids, module.num_embeddings)
        with torch.no_grad():
            output = module(ids).detach().clone()  # forward first: max_norm may rewrite rows
        weight = module.weight.detach().clone()
    elif isinstance(embedding_or_weight, torch.Tensor):
        weight = embedding_or_weight.detach().clone()
        if weight.dim() != 2 or not weight.is_floating_point():
            raise ValueError(
                "embedding_or_weight must be an nn.Embedding or a 2-D float weight tensor "
                f"(num_embeddings, embedding_dim), got a {weight.dim()}-D {weight.dtype} tensor"
            )
        check_ids(ids, weight.shape[0])
        output = F.embedding(ids, weight)
    else:
        raise TypeError(
            "embedding_or_weight must be an nn.Embedding or a 2-D weight tensor, "
            f"got {type(embedding_or_weight).__name__}"
        )
    ids = ids.detach().long()
    num_embeddings, embedding_dim = weight.shape
    gathered = weight[ids]  # (*, dim)
    one_hot = F.one_hot(ids.reshape(-1), num_embeddings).to(weight.dtype)  # (n, num_embeddings)
    one_hot_output = (one_hot @ weight).reshape(*ids.shape, embedding_dim)  # (*, dim)
    return LookupTrace(
        ids=ids.clone(),
        weight=weight,
        one_hot=one_hot,
        gathered=gathered,
        output=output,
        one_hot_output=one_hot_output,
        output_equals_gathered=torch.equal(output, gathered),
        one_hot_equals_gathered=torch.equal(one_hot_output, gathered),
        max_abs_diff_output=_max_abs_diff(output, gathered),
        max_abs_diff_one_hot=_max_abs_diff(one_hot_output, gathered),
    )


def mean_pool(embeddings: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Average each sequence's embeddings over its real tokens only (mask True): (batch, dim).

    ``padding_idx`` only zeroes the pad row; the zeros would still count in a plain
    ``.mean(dim=1)``. Here they are left out of both the sum and the count.

    >>> embeddings = torch.tensor([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [0.0, 0.0]]])
    >>> mean_pool(embeddings, torch.tensor([[True, True], [True, False]]))
    tensor([[2., 3.],
            [5., 6.]])
    """
    if not isinstance(embeddings, torch.Tensor) or embeddings.dim() != 3:
        raise ValueError(
            "embeddings must be a (batch, seq, dim) tensor, "
            f"got {getattr(embeddings, 'shape', type(embeddings).__name__)}"
        )
    if not embeddings.is_floating_point():
        raise TypeError(f"embeddings must be a float tensor, got dtype {embeddings.dtype}")
    if not isinstance(mask, torch.Tensor) or mask.shape != embeddings.shape[:2]:
        raise ValueError(
            "mask must be a (batch, seq) tensor matching embeddings "
            f"{tuple(embeddings.shape[:2])}, "
            f"got {tuple(getattr(mask, 'shape', ()))}; use EncodedBatch.mask from encode_batch"
        )
    if mask.dtype != torch.bool:
        if not bool(((mask == 0) | (mask == 1)).all()):
            raise ValueError("mask must be bool or hold only 0 and 1 (1 = real token)")
        mask = mask.bool()
    counts = mask.sum(dim=1)  # (batch,)
    if bool((counts == 0).any()):
        empty_rows = torch.nonzero(counts == 0).flatten().tolist()
        raise ValueError(
            f"mask rows {empty_rows} have no real tokens, so their mean is undefined; "
            "drop empty sequences before pooling"
        )
    weights = mask.to(embeddings.dtype).unsqueeze(-1)  # (batch, seq, 1)
    summed = (embeddings * weights).sum(dim=1)  # (batch, dim)
    return summed / counts.unsqueeze(-1).to(embeddings.dtype)
