"""What a dense vs a sparse gradient step, and a lookup vs a one-hot matmul, cost as vocab grows.

Times are medians of a few ``time.perf_counter`` repeats of a real step; gradient memory is the
bytes ``weight.grad`` really holds after ``backward`` (values, plus int64 indices when sparse).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from embedlib._checks import check_count, check_seed, check_table_size
from embedlib.lookup import _ONEHOT_LIMIT_ELEMENTS
from embedlib.trace import _grad_bytes

__all__ = ["gradient_step_cost", "lookup_cost"]

_MAX_BATCH, _MAX_REPEATS = 1_000_000, 1_000  # timings of a demo: more is a mistake


@dataclass(frozen=True)
class GradStepCost:
    """Measured cost of one SGD training step with dense and with sparse gradients.

    >>> cost = gradient_step_cost([1000], embedding_dim=4, batch_size=8, repeats=1)[0]
    >>> cost.dense_grad_bytes, cost.sparse_grad_bytes
    (16000, 192)
    """

    num_embeddings: int
    embedding_dim: int
    batch_size: int
    dense_seconds: float
    sparse_seconds: float
    dense_grad_bytes: int
    sparse_grad_bytes: int


@dataclass(frozen=True)
class LookupCost:
    """Measured forward cost of ``emb(ids)`` vs ``one_hot(ids) @ weight`` (``None``: too big).

    >>> cost = lookup_cost([100], embedding_dim=4, batch_size=8, repeats=1)[0]
    >>> cost.onehot_bytes, cost.onehot_seconds is not None
    (3200, True)
    """

    num_embeddings: int
    embedding_dim: int
    batch_size: int
    lookup_seconds: float
    onehot_seconds: float | None
    onehot_bytes: int


def _median_seconds(run: Callable[[], object], repeats: int = 5) -> float:
    """Return the median wall time of ``repeats`` calls of ``run``, after one warm-up call.

    >>> _median_seconds(lambda: sum(range(100)), repeats=3) >= 0.0
    True
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    run()  # warm-up: first-call allocations and dispatch are not what we measure
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _check(vocab_sizes: Sequence[int], embedding_dim: int, batch_size: int, repeats: int) -> None:
    if isinstance(vocab_sizes, str) or not isinstance(vocab_sizes, Sequence):
        raise TypeError(
            f"vocab_sizes must be a list of table sizes such as [1_000, 10_000], got "
            f"{type(vocab_sizes).__name__}"
        )
    if len(vocab_sizes) == 0:
        raise ValueError("vocab_sizes is empty: pass table sizes such as [1_000, 10_000]")
    check_count(embedding_dim, "embedding_dim")
    for size in vocab_sizes:
        check_table_size(size, embedding_dim)
    check_count(batch_size, "batch_size", high=_MAX_BATCH)
    check_count(repeats, "repeats", high=_MAX_REPEATS)


def gradient_step_cost(
    vocab_sizes: Sequence[int] = (1_000, 10_000, 100_000, 1_000_000),
    *,
    embedding_dim: int = 16,
    batch_size: int = 256,
    repeats: int = 5,
    seed: int = 0,
) -> tuple[GradStepCost, ...]:
    """Time one SGD step (zero_grad, lookup, sum, backward, step) dense vs sparse, per vocab size.

    >>> [c.num_embeddings for c in gradient_step_cost([10, 20], embedding_dim=2, repeats=1)]
    [10, 20]
    """
    _check(vocab_sizes, embedding_dim, batch_size, repeats)
    generator = torch.Generator().manual_seed(check_seed(seed))
    results = []
    for num_embeddings in vocab_sizes:
        ids = torch.randint(num_embeddings, (batch_size,), generator=generator)
        seconds, nbytes = {}, {}
        for sparse in (False, True):
            emb = nn.Embedding(num_embeddings, embedding_dim, sparse=sparse)
            opt = torch.optim.SGD(emb.parameters(), lr=0.1)

            def step(
                emb: nn.Embedding = emb, opt: torch.optim.Optimizer = opt, ids: torch.Tensor = ids
            ) -> None:
                opt.zero_grad()
                emb(ids).sum().backward()
                opt.step()

            seconds[sparse] = _median_seconds(step, repeats)
            nbytes[sparse] = _grad_bytes(emb.weight.grad)
        results.append(
            GradStepCost(
                num_embeddings,
                embedding_dim,
                batch_size,
                seconds[False],
                seconds[True],
                nbytes[False],
                nbytes[True],
            )
        )
    return tuple(results)


def lookup_cost(
    vocab_sizes: Sequence[int] = (1_000, 10_000, 100_000, 1_000_000),
    *,
    embedding_dim: int = 16,
    batch_size: int = 128,
    repeats: int = 5,
    max_onehot_bytes: int = 64_000_000,
    seed: int = 0,
) -> tuple[LookupCost, ...]:
    """Time ``weight[ids]`` against ``one_hot(ids).float() @ weight`` (skipped above the cap).

    The one-hot matrix has batch_size x num_embeddings float32 entries; when that exceeds
    ``max_onehot_bytes`` the matmul is not run and ``onehot_seconds`` is ``None``.

    >>> costs = lookup_cost([10, 10**6], repeats=1, max_onehot_bytes=10**6)
    >>> [c.onehot_seconds is None for c in costs]
    [False, True]
    """
    _check(vocab_sizes, embedding_dim, batch_size, repeats)
    limit = 4 * _ONEHOT_LIMIT_ELEMENTS  # bytes: the cap trace_lookup's one-hot has
    check_count(max_onehot_bytes, "max_onehot_bytes", low=0, high=limit)
    generator = torch.Generator().manual_seed(check_seed(seed))
    results = []
    with torch.no_grad():
        for num_embeddings in vocab_sizes:
            weight = torch.randn(num_embeddings, embedding_dim, generator=generator)
            ids = torch.randint(num_embeddings, (batch_size,), generator=generator)
            onehot_bytes = batch_size * num_embeddings * 4
            lookup = _median_seconds(lambda w=weight, i=ids: nn.functional.embedding(i, w), repeats)
            onehot = None
            if onehot_bytes <= max_onehot_bytes:

                def matmul(w: torch.Tensor = weight, i: torch.Tensor = ids) -> torch.Tensor:
                    return nn.functional.one_hot(i, w.shape[0]).float() @ w

                onehot = _median_seconds(matmul, repeats)
            results.append(
                LookupCost(num_embeddings, embedding_dim, batch_size, lookup, onehot, onehot_bytes)
            )
    return tuple(results)
