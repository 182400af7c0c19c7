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

from embedlib._checks import check_table
from embedlib.diagnose import check_ids
from embedlib.norms import _same

__all__ = ["mean_pool", "trace_lookup"]

_ONEHOT_LIMIT_ELEMENTS = 16_000_000  # one-hot entries trace_lookup builds: 64 MB of float32


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
    """Largest |a - b|; equal elements (NaN and NaN, inf and inf included) count as 0."""
    diff = torch.where(_same(a, b), 0.0, (a - b).abs())  # NaN against a number stays NaN
    return float(diff.max()) if diff.numel() else 0.0


def _equal(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Bit-for-bit agreement, NaN matching NaN (torch.equal would call NaN != NaN)."""
    return a.shape == b.shape and bool(_same(a, b).all())


def _output_and_weight(
    embedding_or_weight: nn.Embedding | torch.Tensor, ids: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """The lookup by the module (or F.embedding) and the table it read, both detached copies."""
    if isinstance(embedding_or_weight, nn.Embedding):
        module = embedding_or_weight
        check_table(module.weight, "embedding_or_weight.weight")
        check_ids(ids, module.num_embeddings)
        with torch.no_grad():
            output = module(ids).detach().clone()  # forward first: max_norm may rewrite rows
        return output, module.weight.detach().clone()
    if not isinstance(embedding_or_weight, torch.Tensor):
        raise TypeError(
            "embedding_or_weight must be an nn.Embedding or a 2-D weight tensor "
            f"(num_embeddings, embedding_dim), got {type(embedding_or_weight).__name__}"
        )
    weight = check_table(embedding_or_weight, "embedding_or_weight").detach().clone()
    check_ids(ids, weight.shape[0])
    return F.embedding(ids, weight), weight


def trace_lookup(
    embedding_or_weight: nn.Embedding | torch.Tensor, ids: torch.Tensor
) -> LookupTrace:
    """Look up ``ids`` three ways (module or ``F.embedding``, ``weight[ids]``, one-hot matmul).

    Pass an ``nn.Embedding`` (its forward is called, so ``max_norm`` renormalises its weight in
    place first, as in training) or a 2-D weight tensor (``F.embedding`` is used). The one-hot
    matrix has ``ids.numel() x num_embeddings`` entries; above 16 million it is refused.

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
    output, weight = _output_and_weight(embedding_or_weight, ids)
    ids = ids.detach().long()
    num_embeddings, embedding_dim = weight.shape
    if ids.numel() * num_embeddings > _ONEHOT_LIMIT_ELEMENTS:
        raise ValueError(
            f"ids has {ids.numel():,} ids and the table {num_embeddings:,} rows: the one-hot "
            f"matrix would have {ids.numel() * num_embeddings:,} entries, more than the "
            f"{_ONEHOT_LIMIT_ELEMENTS:,} trace_lookup builds; look up fewer ids or a smaller table"
        )
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
        output_equals_gathered=_equal(output, gathered),
        one_hot_equals_gathered=_equal(one_hot_output, gathered),
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
    if not isinstance(embeddings, torch.Tensor) or not isinstance(mask, torch.Tensor):
        raise TypeError(
            "embeddings and mask must be tensors, got "
            f"{type(embeddings).__name__} and {type(mask).__name__}; pass emb(batch.ids) and "
            "batch.mask from encode_batch"
        )
    if embeddings.dim() != 3:
        raise ValueError(
            "embeddings must be a (batch, seq, dim) tensor, "
            f"got shape {tuple(embeddings.shape)}; pass the output of emb(ids) for 2-D ids"
        )
    if not embeddings.is_floating_point():
        raise TypeError(
            f"embeddings must be a float tensor, got dtype {embeddings.dtype}; "
            "convert with embeddings.float()"
        )
    if mask.shape != embeddings.shape[:2]:
        raise ValueError(
            "mask must be a (batch, seq) tensor matching embeddings "
            f"{tuple(embeddings.shape[:2])}, got {tuple(mask.shape)}; use EncodedBatch.mask "
            "from encode_batch"
        )
    if mask.dtype != torch.bool:
        if mask.is_complex() or not bool(((mask == 0) | (mask == 1)).all()):
            raise ValueError(
                f"mask must be bool or hold only 0 and 1 (1 = real token), got dtype {mask.dtype} "
                "with other values; build it as ids != pad_id"
            )
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
