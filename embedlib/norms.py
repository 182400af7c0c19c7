"""Row norms of an embedding table, and what ``max_norm`` will do to them on the next lookup.

``nn.Embedding(max_norm=...)`` rescales, in place and during forward, every row it looks up whose
``norm_type``-norm exceeds ``max_norm``. ``renorm_preview`` recomputes that from the formula
``scale = max_norm / (norm + 1e-7)`` without calling torch's ``embedding_renorm_``, so it can serve
as an independent oracle for the real module.

>>> weight = torch.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
>>> preview = renorm_preview(weight, torch.tensor([0, 1]), max_norm=1.0)
>>> preview.norms_before, preview.norms_after.round(decimals=4)
(tensor([ 5.0000,  0.5000, 10.0000]), tensor([ 1.0000,  0.5000, 10.0000]))
>>> preview.renormalised.tolist()
[True, False, False]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor

__all__ = ["RENORM_EPS", "RenormResult", "renorm_preview", "row_norms"]

RENORM_EPS = 1e-7  # the epsilon torch adds to the norm before dividing (see embedding_renorm_)


def _check_weight(weight: Tensor) -> None:
    if not isinstance(weight, Tensor):
        raise TypeError(
            f"weight must be a torch.Tensor of shape (num_embeddings, embedding_dim), "
            f"got {type(weight).__name__}; pass embedding.weight (or a tensor)"
        )
    if weight.dim() != 2:
        raise ValueError(
            f"weight must be 2-D (num_embeddings, embedding_dim), got shape {tuple(weight.shape)}; "
            "pass the whole table, e.g. embedding.weight"
        )
    if not weight.is_floating_point():
        raise TypeError(
            f"weight must be a floating-point tensor, got dtype {weight.dtype}; "
            "convert it with weight.float()"
        )


def _check_norm_type(norm_type: float) -> float:
    if isinstance(norm_type, bool) or not isinstance(norm_type, int | float):
        raise TypeError(
            f"norm_type must be a number (the p of the p-norm), got {type(norm_type).__name__}; "
            "use 1.0, 2.0 or math.inf"
        )
    if math.isnan(norm_type) or norm_type <= 0:
        raise ValueError(
            f"norm_type must be > 0 (the p of the p-norm), got {norm_type}; "
            "use 1.0 (L1), 2.0 (L2, the default) or math.inf (max-abs)"
        )
    return float(norm_type)


def _check_ids(ids: Tensor, num_embeddings: int) -> None:
    if not isinstance(ids, Tensor) or ids.is_floating_point() or ids.dtype == torch.bool:
        got = ids.dtype if isinstance(ids, Tensor) else type(ids).__name__
        raise TypeError(
            f"ids must be an integer tensor (torch.long), got {got}; "
            "build it with torch.tensor([...]) or convert with ids.long()"
        )
    if ids.numel() == 0:
        return
    smallest, largest = int(ids.min()), int(ids.max())
    if smallest < 0:
        raise ValueError(
            f"ids contains the negative id {smallest}; nn.Embedding has no Python-style negative "
            f"indexing, ids must lie in [0, {num_embeddings - 1}]"
        )
    if largest >= num_embeddings:
        raise ValueError(
            f"ids contains id {largest} but the table has num_embeddings={num_embeddings} rows "
            f"(ids 0..{num_embeddings - 1}); num_embeddings must be max_id + 1 = {largest + 1}"
        )


def row_norms(weight: Tensor, norm_type: float = 2.0) -> Tensor:
    """Return the ``norm_type``-norm of every row of ``weight``, shape ``(num_embeddings,)``.

    >>> row_norms(torch.tensor([[3.0, -4.0], [1.0, 1.0]]), norm_type=1.0)
    tensor([7., 2.])
    """
    _check_weight(weight)
    p = _check_norm_type(norm_type)
    return torch.linalg.vector_norm(weight.detach(), ord=p, dim=1)  # (num_embeddings,)


@dataclass(frozen=True)
class RenormResult:
    """What one forward of ``nn.Embedding(max_norm=...)`` does to the table's rows.

    >>> result = renorm_preview(torch.tensor([[2.0, 0.0]]), torch.tensor([0]), max_norm=1.0)
    >>> result.renormalised.tolist(), result.weight_after.round(decimals=4).tolist()
    ([True], [[1.0, 0.0]])
    """

    norms_before: Tensor  # (num_embeddings,) norm of every row before the lookup
    norms_after: Tensor  # (num_embeddings,) norm of every row after it
    looked_up: Tensor  # (num_embeddings,) bool: the row's id occurs in ids
    renormalised: Tensor  # (num_embeddings,) bool: looked up AND norm > max_norm
    weight_after: Tensor  # (num_embeddings, embedding_dim) the table after the lookup
    max_norm: float
    norm_type: float


def renorm_preview(
    weight: Tensor, ids: Tensor, max_norm: float, norm_type: float = 2.0
) -> RenormResult:
    """Return the table ``nn.Embedding(max_norm=...)`` leaves after one lookup of ``ids``.

    Only rows whose id occurs in ``ids`` are touched, each at most once however often it occurs;
    a row with ``norm > max_norm`` is multiplied by ``max_norm / (norm + 1e-7)``. ``weight`` is not
    modified.

    >>> weight = torch.tensor([[1.0, 1.0], [2.0, 2.0]])
    >>> renorm_preview(weight, torch.tensor([1, 1]), max_norm=2.0, norm_type=1.0).norms_after
    tensor([2., 2.])
    >>> weight  # untouched
    tensor([[1., 1.],
            [2., 2.]])
    """
    _check_weight(weight)
    p = _check_norm_type(norm_type)
    if isinstance(max_norm, bool) or not isinstance(max_norm, int | float):
        raise TypeError(
            f"max_norm must be a positive number, got {type(max_norm).__name__}; e.g. max_norm=1.0"
        )
    if math.isnan(max_norm) or max_norm <= 0:
        raise ValueError(
            f"max_norm must be > 0, got {max_norm}; torch does not check this itself "
            "(0 zeroes looked-up rows, a negative value flips their sign), so pass e.g. 1.0"
        )
    num_embeddings = weight.shape[0]
    _check_ids(ids, num_embeddings)

    table = weight.detach().clone()  # (num_embeddings, dim)
    norms_before = torch.linalg.vector_norm(table, ord=p, dim=1)  # (num_embeddings,)
    looked_up = torch.zeros(num_embeddings, dtype=torch.bool)
    looked_up[ids.flatten().cpu()] = True
    renormalised = looked_up & (norms_before.cpu() > max_norm)
    for row in renormalised.nonzero().flatten().tolist():
        scale = max_norm / (float(norms_before[row]) + RENORM_EPS)
        table[row] = table[row] * scale
    norms_after = torch.linalg.vector_norm(table, ord=p, dim=1)
    return RenormResult(
        norms_before=norms_before,
        norms_after=norms_after,
        looked_up=looked_up,
        renormalised=renormalised,
        weight_after=table,
        max_norm=float(max_norm),
        norm_type=p,
    )
