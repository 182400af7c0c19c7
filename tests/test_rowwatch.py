"""The row-watching helpers behind trace_updates, against plain whole-table comparisons."""

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from embedlib._rowwatch import RowWatch, SeenRows

N, DIM = 12, 3


def whole_table_changes(before: torch.Tensor, after: torch.Tensor):
    delta = after - before
    return delta.ne(0).any(dim=1), torch.linalg.vector_norm(delta, dim=1)


@settings(max_examples=40, deadline=None)
@given(
    steps=st.lists(
        st.tuples(
            st.lists(st.integers(0, N - 1), min_size=1, max_size=6),  # rows added this step
            st.lists(st.integers(0, N - 1), max_size=4),  # rows the "optimizer" changes
        ),
        min_size=1,
        max_size=5,
    )
)
def test_growing_rows_reuse_the_kept_values_and_match_a_whole_table_compare(steps):
    table = torch.randn(N, DIM)
    batches = [torch.tensor(added) for added, _ in steps]
    watch, seen = RowWatch(table, steps=len(steps)), SeenRows(batches, N)
    for step, (_, changed) in enumerate(steps):
        rows = seen.upto(step)
        watch.snapshot(rows)
        before = table.clone()
        table[[r for r in changed if r in rows.tolist()]] += 1.0  # only watched rows move
        watch.compare(step)
        expected_changed, expected_norms = whole_table_changes(before, table)
        assert torch.equal(watch.changed_rows[step], expected_changed)
        assert torch.equal(watch.row_change[step], expected_norms)


def test_rows_that_do_not_extend_the_last_compare_are_read_again():
    table = torch.zeros(4, 2)
    watch = RowWatch(table, steps=2)
    watch.snapshot(torch.tensor([1, 2]))
    watch.compare(0)
    table[3] = 5.0  # row 3 was not kept, so its new value must be read from the table
    watch.snapshot(torch.tensor([3, 1]))
    table[3] = 6.0
    watch.compare(1)
    assert watch.row_change[1].tolist() == [0.0, 0.0, 0.0, torch.tensor([1.0, 1.0]).norm().item()]


def test_seen_rows_are_distinct_in_order_of_first_lookup():
    batches = [torch.tensor(ids) for ids in ([7, 2, 7], [[2, 9], [0, 9]], [9], [5])]
    seen = SeenRows(batches, 10)
    assert [seen.upto(step).tolist() for step in range(4)] == [
        [2, 7],
        [2, 7, 0, 9],
        [2, 7, 0, 9],
        [2, 7, 0, 9, 5],
    ]
    assert seen.upto(2) is seen.upto(2)  # no new rows: the same tensor, so kept values are reused


def test_sparse_gradient_rows_need_no_coalescing():
    emb = torch.nn.Embedding(6, 2, sparse=True)
    with torch.no_grad():
        emb.weight[4] = 0.0  # looked up, but its gradient under the square loss is zero
    ids = torch.tensor([1, 4, 1, 3, 1])
    (0.5 * emb(ids).pow(2).sum()).backward()
    watch = RowWatch(emb.weight.detach(), steps=1)
    nbytes = watch.gradient(0, emb.weight.grad, ids)
    coalesced = emb.weight.grad.coalesce()
    expected = torch.zeros(6, dtype=torch.bool)
    expected[coalesced.indices()[0]] = coalesced.values().ne(0).any(dim=1)
    assert torch.equal(watch.rows_with_grad[0], expected)
    assert expected.tolist() == [False, True, False, True, False, False]
    assert nbytes == 5 * (8 + 2 * 4)  # uncoalesced: one index and one row per lookup


def test_state_norms_mark_rows_not_compared_as_nan_and_sparse_state_as_zero():
    table = torch.zeros(5, 2)
    watch = RowWatch(table, steps=2)
    state = torch.arange(10.0).reshape(5, 2)
    watch.snapshot(torch.tensor([3, 1]))
    watch.compare(0)
    norms = watch.state(0, "exp_avg", state)
    assert norms.isnan().tolist() == [True, False, True, False, True]
    assert torch.equal(norms[[1, 3]], torch.linalg.vector_norm(state[[1, 3]], dim=1))
    sparse_state = torch.sparse_coo_tensor(
        [[2, 2]], [[3.0, 0.0], [0.0, 4.0]], (5, 2), check_invariants=True
    )
    assert watch.state(1, "momentum_buffer", sparse_state).tolist() == [0, 0, 5.0, 0, 0]
