"""Measure which rows of a table one optimizer step moved, comparing only the rows that can move.

Private helpers of ``trace_updates``. On a big table most rows cannot move in a step (no
gradient, no optimizer state, no weight decay), so only the rows that can are copied and
compared, in buffers reused from step to step, and the results go into tensors allocated once
per run: watching a step allocates nothing table-sized. Once the optimizer holds state, the rows
compared are all rows seen so far; their values after one step are kept as the next step's
"before", so each step reads from the table only the rows it adds.
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__: list[str] = []  # private: used by embedlib.trace only


def moved(delta: Tensor, norms: Tensor) -> Tensor:
    """Rows of ``delta`` with any nonzero element, given their L2 ``norms`` (as ``amax.ne(0)``).

    A nonzero norm (NaN and inf included) means a nonzero element, so no second pass over
    ``delta``; a zero norm can hide changes whose squares underflow, so only those rows are
    checked element by element.

    >>> moved(torch.tensor([[0.0, 1e-30], [0.0, 0.0], [3.0, 4.0]]), torch.tensor([0.0, 0.0, 5.0]))
    tensor([ True, False,  True])
    """
    changed = norms.ne(0)
    if not bool(changed.all()):
        still = (~changed).nonzero().flatten()
        changed[still] = delta.index_select(0, still).abs().amax(dim=1).ne(0)
    return changed


class SeenRows:
    """The rows looked up by the end of each step, in order of first lookup (by id within a step).

    The schedule is known before the first step, so the order is worked out once; the rows seen
    by a step are a prefix of it, and the same tensor while no new row appears.

    >>> seen = SeenRows([torch.tensor([3, 1, 3]), torch.tensor([1]), torch.tensor([4, 0])], 5)
    >>> [seen.upto(step).tolist() for step in range(3)]
    [[1, 3], [1, 3], [1, 3, 0, 4]]
    """

    def __init__(self, batches: list[Tensor], num_embeddings: int) -> None:
        flat_ids = torch.cat([ids.flatten() for ids in batches])
        sizes = torch.tensor([ids.numel() for ids in batches])
        step_of_lookup = torch.repeat_interleave(torch.arange(len(batches)), sizes)
        first = torch.full((num_embeddings,), len(batches))  # first step each row is looked up
        first.scatter_reduce_(0, flat_ids, step_of_lookup, reduce="amin")
        looked_up = (first < len(batches)).nonzero().flatten()  # sorted ids
        first_step = first.index_select(0, looked_up)
        self._order = looked_up.index_select(0, first_step.argsort(stable=True))
        self._counts = torch.bincount(first_step, minlength=len(batches)).cumsum(0).tolist()
        self._prefix = self._order[:0]

    def upto(self, step: int) -> Tensor:
        """The distinct rows looked up in steps 0..``step``."""
        if len(self._prefix) != self._counts[step]:
            self._prefix = self._order[: self._counts[step]]
        return self._prefix


class RowWatch:
    """Record, step by step, which rows of ``table`` had a gradient and which an update moved.

    Results live in (steps, num_embeddings) tensors allocated once, before the first step;
    row ``step`` of each is that step's result. Allocating nothing table-sized per step keeps
    the memory allocator from returning, and re-faulting, pages the training loop reuses.

    >>> table = torch.zeros(4, 2)
    >>> watch = RowWatch(table, steps=1)
    >>> watch.snapshot(torch.tensor([1, 2]))
    >>> table[2] += 1.0
    >>> watch.compare(0)
    >>> watch.changed_rows[0].tolist(), watch.row_change[0].tolist()
    ([False, False, True, False], [0.0, 0.0, 1.4142135381698608, 0.0])
    """

    def __init__(self, table: Tensor, steps: int, capacity: int = 0) -> None:
        self.table = table  # the live weight: the optimizer updates it in place
        shape = (steps, table.shape[0])
        # uninitialised: each step clears its own row just before writing it, while it is in cache
        self.rows_with_grad = torch.empty(shape, dtype=torch.bool)
        self.changed_rows = torch.empty(shape, dtype=torch.bool)
        self.row_change = torch.empty(shape, dtype=table.dtype)
        self.state_norms: dict[str, Tensor] = {}  # name -> (steps, num_embeddings)
        self.rows: Tensor | None = None  # the rows of the last snapshot; None: every row
        # room for ``capacity`` rows from the start: growing mid-run copies and faults pages in;
        # memory never written costs no time, so over-reserving is cheap
        room = (capacity, table.shape[1])
        self._before = torch.empty(room, dtype=table.dtype)
        self._after = torch.empty(room, dtype=table.dtype)
        self._gathered = torch.empty(room, dtype=table.dtype)
        self._kept: Tensor | None = None  # rows whose updated values _before holds

    @staticmethod
    def _fit(buffer: Tensor, rows: int, dim: int) -> Tensor:
        """``buffer`` as a (rows, dim) tensor, keeping its contents; grown by doubling."""
        if buffer.untyped_storage().nbytes() < rows * dim * buffer.element_size():
            # more rows than reserved: double the room, so it is rarely re-grown
            buffer.resize_(2 * rows, dim)
        return buffer.resize_(rows, dim)

    def _gather(self, source: Tensor, rows: Tensor, buffer: Tensor) -> Tensor:
        """``source[rows]``, written into ``buffer`` and returned as a (len(rows), dim) view."""
        out = self._fit(buffer, len(rows), source.shape[1])
        return torch.index_select(source, 0, rows, out=out)

    def gradient(self, step: int, grad: Tensor, flat_ids: Tensor) -> int:
        """Mark the rows with a nonzero gradient at ``step``; return the bytes ``grad`` holds.

        Only looked-up rows can have a gradient. A sparse gradient holds one (index, row) pair
        per lookup, uncoalesced; under ``trace_updates``' losses every lookup of a row carries
        the same gradient row (ones, or the row itself), so the summed row is nonzero iff one
        lookup's is, and no coalescing is needed.
        """
        if grad.is_sparse:  # bytes as held: one int64 index and one row per lookup
            indices, values = grad._indices()[0], grad._values()
            nbytes = indices.numel() * 8 + values.numel() * grad.element_size()
        else:
            indices, values = flat_ids, grad.index_select(0, flat_ids)
            nbytes = grad.numel() * grad.element_size()
        # abs().amax() and scatter_ are several times faster than ne(0).any(dim=1) and
        # mask[indices] = ...; NaN counts as nonzero either way; repeated indices write equal values
        flags = values.abs().amax(dim=1).ne(0)
        self.rows_with_grad[step].zero_().scatter_(0, indices, flags)
        return nbytes

    def snapshot(self, rows: Tensor | None, values: Tensor | None = None) -> None:
        """Copy ``rows`` of the table (repeats allowed; ``None``: every row) before the update.

        ``values``, if given, are ``table[rows]`` already at hand (the forward pass of an
        embedding is exactly that gather) and are copied instead of reading the table again.
        When ``rows`` extends the rows of the last ``compare`` (the rows seen so far, once the
        optimizer holds state), their values after that update are this step's values before:
        only the rows added since are copied from the table.
        """
        kept = self._kept
        self.rows, self._kept = rows, None
        if rows is None:
            self._before.resize_as_(self.table).copy_(self.table)
            return
        if values is not None:
            self._fit(self._before, len(rows), self.table.shape[1]).copy_(values)
            return
        start = 0
        # the same rows, or more rows starting with them (equal lengths: a new batch, not checked)
        if kept is rows or (
            kept is not None and len(kept) < len(rows) and torch.equal(rows[: len(kept)], kept)
        ):
            start = len(rows if kept is rows else kept)  # unchanged since compare() read them
        before = self._fit(self._before, len(rows), self.table.shape[1])
        torch.index_select(self.table, 0, rows[start:], out=before[start:])

    def compare(self, step: int) -> None:
        """Fill ``changed_rows[step]`` and ``row_change[step]`` from the table since the snapshot.

        ``changed_rows`` is True where any element of the row changed (NaN counts as a change);
        ``row_change`` is the L2 norm of the row's change, 0 on rows not compared.
        """
        rows = self.rows
        if rows is None:
            delta = self._before.neg_().add_(self.table)  # after - before, in place
            # amax of abs: vector_norm(ord=inf) gives the same but is ~10x slower
            self.changed_rows[step] = delta.abs().amax(dim=1).ne(0)
            torch.linalg.vector_norm(delta, dim=1, out=self.row_change[step])
            return
        after = self._gather(self.table, rows, self._after)  # (rows, dim)
        # after - before, written over before: no third buffer to pull through the cache
        delta = torch.sub(after, self._before, out=self._before)
        norms = torch.linalg.vector_norm(delta, dim=1)
        changed = moved(delta, norms)
        self.changed_rows[step].zero_().scatter_(0, rows, changed)  # repeats write equal values
        self.row_change[step].zero_().scatter_(0, rows, norms)
        # keep the rows' values after this update: the next snapshot may start from them
        self._before, self._after, self._kept = self._after, self._before, rows

    def state(self, step: int, name: str, state: Tensor) -> Tensor:
        """Per-row L2 norms (num_embeddings,) of an optimizer state; NaN on rows not compared."""
        if name not in self.state_norms:
            self.state_norms[name] = torch.empty_like(self.row_change)
        norms = self.state_norms[name][step]
        rows = self.rows
        if state.is_sparse:  # norms of the rows it holds, zero elsewhere
            state = state.coalesce()
            norms.zero_()[state.indices()[0]] = torch.linalg.vector_norm(state.values(), dim=1)
        elif rows is None:
            torch.linalg.vector_norm(state, dim=1, out=norms)
        else:
            gathered = self._gather(state, rows, self._gathered)  # (rows, dim)
            norms.fill_(float("nan")).scatter_(0, rows, torch.linalg.vector_norm(gathered, dim=1))
        return norms
