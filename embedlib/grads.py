"""The gradient each row of an embedding table receives: measured (as a dense tensor) and clipped.

Used to measure ``padding_idx`` (its row gets zero) and ``scale_grad_by_freq`` (each row's gradient
is divided by how often its id occurs in the whole input of the call), and to clip the norm of a
sparse gradient, which ``torch.nn.utils.clip_grad_norm_`` refuses.

>>> ids = torch.tensor([0, 0, 0, 1, 2, 2])
>>> row_gradients({"num_embeddings": 4, "embedding_dim": 1}, ids).flatten()
tensor([3., 1., 2., 0.])
>>> id_counts(ids, 4)
tensor([3, 1, 2, 0])
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import torch
from torch import Tensor, nn

from embedlib.norms import _check_ids

__all__ = ["EMBEDDING_KWARGS", "clip_sparse_grad_norm_", "id_counts", "row_gradients"]

EMBEDDING_KWARGS = (
    "num_embeddings",
    "embedding_dim",
    "padding_idx",
    "max_norm",
    "norm_type",
    "scale_grad_by_freq",
    "sparse",
    "_weight",
    "_freeze",
    "device",
    "dtype",
)


def _build_embedding(embedding: nn.Embedding | Mapping[str, Any]) -> nn.Embedding:
    """A private copy of the module, or a fresh one from keyword arguments (weights all zero)."""
    if isinstance(embedding, nn.Embedding):
        return copy.deepcopy(embedding)  # the caller's module and its .grad stay untouched
    if not isinstance(embedding, Mapping):
        raise TypeError(
            f"embedding must be an nn.Embedding or a dict of its constructor arguments, "
            f"got {type(embedding).__name__}; e.g. {{'num_embeddings': 4, 'embedding_dim': 1}}"
        )
    unknown = sorted(set(embedding) - set(EMBEDDING_KWARGS))
    if unknown:
        raise ValueError(
            f"unknown nn.Embedding argument(s) {unknown}; valid names are {list(EMBEDDING_KWARGS)}"
        )
    missing = [name for name in ("num_embeddings", "embedding_dim") if name not in embedding]
    if missing:
        raise ValueError(
            f"embedding is missing {missing}; give at least num_embeddings and embedding_dim"
        )
    kwargs = dict(embedding)
    if kwargs.get("_weight") is None:
        # Zeros: the gradient of a lookup does not depend on the values, and no RNG is consumed.
        shape = (kwargs["num_embeddings"], kwargs["embedding_dim"])
        kwargs["_weight"] = torch.zeros(
            shape, dtype=kwargs.get("dtype"), device=kwargs.get("device")
        )
    else:
        kwargs["_weight"] = kwargs["_weight"].detach().clone()
    return nn.Embedding(**kwargs)


def row_gradients(
    embedding: nn.Embedding | Mapping[str, Any],
    ids: Tensor,
    *,
    upstream: str | Tensor = "ones",
) -> Tensor:
    """Return the dense ``weight.grad`` (num_embeddings, embedding_dim) after looking up ``ids``.

    ``embedding`` is a module (deep-copied, so it is not changed) or a dict of constructor
    arguments. ``upstream="ones"`` backpropagates ``out.sum()``; a tensor of the output's shape
    backpropagates ``(out * upstream).sum()``. A sparse gradient is coalesced and made dense.

    >>> kwargs = {"num_embeddings": 3, "embedding_dim": 2, "padding_idx": 0}
    >>> row_gradients(kwargs, torch.tensor([[0, 1], [1, 2]]))
    tensor([[0., 0.],
            [2., 2.],
            [1., 1.]])
    """
    table = _build_embedding(embedding)
    if not table.weight.requires_grad:
        raise ValueError(
            "the table's weight has requires_grad=False (frozen, e.g. _freeze=True or "
            "from_pretrained's default freeze=True), so it gets no gradient; unfreeze it first"
        )
    if table.sparse and table.scale_grad_by_freq:
        raise ValueError(
            "sparse=True with scale_grad_by_freq=True: torch builds such a table but its backward "
            "raises 'scale_grad_by_freq not supported with sparse gradients'; drop one of the two"
        )
    _check_ids(ids, table.num_embeddings)
    out = table(ids)  # (*ids.shape, embedding_dim)
    if isinstance(upstream, str):
        if upstream != "ones":
            raise ValueError(
                f"upstream must be 'ones' or a tensor of the output's shape, got {upstream!r}"
            )
        loss = out.sum()
    elif isinstance(upstream, Tensor):
        if upstream.shape != out.shape:
            raise ValueError(
                f"upstream has shape {tuple(upstream.shape)} but the lookup output has shape "
                f"{tuple(out.shape)} (ids.shape + (embedding_dim,)); pass a tensor of that shape"
            )
        loss = (out * upstream.to(out.dtype)).sum()
    else:
        raise TypeError(f"upstream must be 'ones' or a torch.Tensor, got {type(upstream).__name__}")
    loss.backward()
    grad = table.weight.grad
    if grad is None:  # nothing looked up reaches the table (e.g. empty ids)
        return torch.zeros_like(table.weight.detach())
    if grad.is_sparse:
        grad = grad.coalesce().to_dense()
    return grad.detach()


def id_counts(ids: Tensor, num_embeddings: int) -> Tensor:
    """Return how often each id ``0..num_embeddings-1`` occurs in ``ids``, over all its dimensions.

    This is the count ``scale_grad_by_freq`` divides by: it is taken over the whole input of one
    call, so a 2-D batch counts across sentences, not per sentence.

    >>> id_counts(torch.tensor([[1, 1], [1, 3]]), 5)
    tensor([0, 3, 0, 1, 0])
    """
    if isinstance(num_embeddings, bool) or not isinstance(num_embeddings, int):
        raise TypeError(
            f"num_embeddings must be an int, got {type(num_embeddings).__name__}; "
            "pass the table size, e.g. embedding.num_embeddings"
        )
    if num_embeddings <= 0:
        raise ValueError(f"num_embeddings must be >= 1 (the table size), got {num_embeddings}")
    _check_ids(ids, num_embeddings)
    return torch.bincount(ids.flatten().long().cpu(), minlength=num_embeddings)


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
