"""Which rows of a table changed, a sparse gradient clip, and what ``max_norm`` does to the rows.

``nn.Embedding(max_norm=...)`` rescales, in place and during forward, every row it looks up whose
``norm_type``-norm exceeds ``max_norm``. ``renorm_preview`` (used by the ``max_norm`` widgets, not
exported) recomputes that from the formula ``scale = max_norm / (norm + 1e-7)`` without calling
torch's ``embedding_renorm_``; the tests check it against the real module.

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

from embedlib._checks import check_number, check_table
from embedlib.diagnose import check_ids

__all__ = ["changed_rows", "clip_sparse_grad_norm_"]

_RENORM_EPS = 1e-7  # the epsilon torch adds to the norm before dividing (see embedding_renorm_)


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


def _check_max_norm(max_norm: float) -> None:
    if isinstance(max_norm, bool) or not isinstance(max_norm, int | float):
        raise TypeError(
            f"max_norm must be a positive number, got {type(max_norm).__name__}; e.g. max_norm=1.0"
        )
    if math.isinf(max_norm):
        raise ValueError(f"max_norm must be a finite number, got {max_norm}; pass e.g. 1.0")
    if math.isnan(max_norm) or max_norm <= 0:
        raise ValueError(
            f"max_norm must be > 0, got {max_norm}; torch does not check this itself "
            "(0 zeroes looked-up rows, a negative value flips their sign), so pass e.g. 1.0"
        )


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
    check_table(weight)
    p = _check_norm_type(norm_type)
    _check_max_norm(max_norm)
    num_embeddings = weight.shape[0]
    check_ids(ids, num_embeddings)

    table = weight.detach().clone()  # (num_embeddings, dim)
    norms_before = torch.linalg.vector_norm(table, ord=p, dim=1)  # (num_embeddings,)
    looked_up = torch.zeros(num_embeddings, dtype=torch.bool)
    looked_up[ids.flatten().cpu()] = True
    renormalised = looked_up & (norms_before.cpu() > max_norm)
    rows = renormalised.nonzero().flatten()
    scale = max_norm / (norms_before[rows].double() + _RENORM_EPS)  # in double, as torch does
    table[rows] = (table[rows].double() * scale.unsqueeze(1)).to(table.dtype)
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


def _same(before: Tensor, after: Tensor) -> Tensor:
    """Elementwise: equal, or NaN in both (a NaN that stays NaN has not moved)."""
    return after.eq(before) | (after.isnan() & before.isnan())


def _changed_mask(before: Tensor, after: Tensor, atol: float = 0.0) -> Tensor:
    """bool (rows,): some element moved by more than ``atol``, or became or stopped being NaN.

    >>> before = torch.zeros(3, 2)
    >>> _changed_mask(before, torch.tensor([[0.0, 1e-30], [0.0, 0.0], [float("nan"), 0.0]]))
    tensor([ True, False,  True])
    """
    moved = (after - before).abs().nan_to_num(nan=torch.inf)  # NaN on one side: moved
    moved = torch.where(_same(before, after), 0.0, moved)  # inf == inf, NaN == NaN: not moved
    return moved.gt(atol).any(dim=1)


def changed_rows(before: Tensor, after: Tensor, *, atol: float = 0.0) -> Tensor:
    """Return the ids (ascending, int64) of the rows where ``after`` differs from ``before``.

    A row counts as changed when any element moved by more than ``atol`` (default: any change),
    or became NaN (or stopped being NaN).

    >>> before = torch.zeros(4, 2)
    >>> after = before.clone()
    >>> after[1, 0], after[3, 1] = 0.5, -1e-9
    >>> changed_rows(before, after).tolist(), changed_rows(before, after, atol=1e-6).tolist()
    ([1, 3], [1])
    """
    check_table(before, "before")
    check_table(after, "after")
    if before.shape != after.shape:
        raise ValueError(
            f"before has shape {tuple(before.shape)} but after has {tuple(after.shape)}; "
            "compare two snapshots of the same table"
        )
    atol = check_number(atol, "atol", low=0.0)
    return _changed_mask(before.detach(), after.detach(), atol).nonzero().flatten()


def clip_sparse_grad_norm_(parameter: Tensor, max_norm: float) -> float:
    """Scale a sparse ``parameter.grad`` so its 2-norm is at most ``max_norm``; return the old norm.

    The sparse counterpart of ``torch.nn.utils.clip_grad_norm_`` for one parameter (that function
    has no sparse kernel): same formula, ``grad * min(1, max_norm / (norm + 1e-6))``, computed on
    the values of the coalesced gradient (repeated ids summed first), so ``.grad`` stays sparse.

    >>> table = torch.nn.Embedding(5, 2, sparse=True)
    >>> table(torch.tensor([1, 3, 3])).sum().backward()  # rows 1 and 3 get [1, 1] and [2, 2]
    >>> round(clip_sparse_grad_norm_(table.weight, max_norm=1.0), 4)  # sqrt(1 + 1 + 4 + 4)
    3.1623
    >>> table.weight.grad.is_sparse, round(table.weight.grad.to_dense().norm().item(), 4)
    (True, 1.0)
    """
    if not isinstance(parameter, Tensor):
        raise TypeError(
            f"parameter must be a tensor with a .grad (e.g. embedding.weight), "
            f"got {type(parameter).__name__}"
        )
    if isinstance(max_norm, bool) or not isinstance(max_norm, int | float):
        raise TypeError(f"max_norm must be a number, got {type(max_norm).__name__}")
    if not 0 < max_norm < float("inf"):
        raise ValueError(f"max_norm must be a finite number > 0, got {max_norm}")
    grad = parameter.grad
    if grad is None:
        raise ValueError("parameter.grad is None: call backward() before clipping the gradient")
    if not grad.is_sparse:
        raise ValueError(
            f"parameter.grad is dense (layout {grad.layout}), not sparse; "
            "clip dense gradients with torch.nn.utils.clip_grad_norm_"
        )
    grad = grad.coalesce()  # one value row per id
    total_norm = torch.linalg.vector_norm(grad.values()).item()
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    parameter.grad = grad * scale  # still sparse
    return total_norm
