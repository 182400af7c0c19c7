"""Tests for embedlib.trace: traced updates against hand-computed and directly-run oracles."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from embedlib.trace import OPTIMIZERS, RefusedCombination, UpdateTrace, trace_updates

N, DIM = 8, 3
schedules = st.lists(
    st.lists(st.integers(0, N - 1), min_size=1, max_size=4), min_size=1, max_size=5
)


def test_sgd_momentum_matches_hand_computed_update():
    schedule, lr, momentum = [[1, 2], [3], [3, 3], [4]], 0.1, 0.9
    trace = trace_updates(
        schedule, num_embeddings=6, embedding_dim=2, optimizer="sgd", lr=lr, momentum=momentum
    )
    # loss = out.sum(): each row's gradient is (times looked up) * ones, whatever the weights.
    weight = trace.initial_weight.clone()
    buffer = None
    for ids, record in zip(schedule, trace.steps, strict=True):
        grad = torch.zeros(6, 2)
        for i in ids:
            grad[i] += 1.0
        buffer = grad.clone() if buffer is None else momentum * buffer + grad
        weight = weight - lr * buffer
        assert torch.allclose(record.weight, weight, atol=1e-6)
        assert torch.allclose(record.state["momentum_buffer"], buffer)
        assert torch.allclose(record.state_norms["momentum_buffer"], buffer.norm(dim=1))
        assert torch.equal(record.changed_rows, buffer.ne(0).any(dim=1))
    # rows 1 and 2 were looked up only in step 0 and still moved in the last step
    assert trace.steps[-1].changed_rows[[1, 2]].all()


@settings(max_examples=30, deadline=None)
@given(schedule=schedules)
def test_sparse_and_dense_gradients_give_the_same_sgd_updates(schedule):
    dense = trace_updates(schedule, num_embeddings=N, embedding_dim=DIM, loss="square")
    sparse = trace_updates(
        schedule, num_embeddings=N, embedding_dim=DIM, loss="square", sparse=True
    )
    for d, s in zip(dense.steps, sparse.steps, strict=True):
        assert torch.allclose(d.weight, s.weight, atol=1e-6)
        assert torch.equal(d.changed_rows, s.changed_rows)
    looked_up = torch.zeros(N, dtype=torch.bool)
    looked_up[schedule[-1]] = True
    assert torch.equal(dense.steps[-1].changed_rows, looked_up)


@settings(max_examples=25, deadline=None)
@given(
    schedule=schedules,
    optimizer=st.sampled_from(OPTIMIZERS),
    sparse=st.booleans(),
    weight_decay=st.sampled_from([None, 0.1]),
)
def test_cheap_big_table_path_matches_full_comparison(schedule, optimizer, sparse, weight_decay):
    kwargs = dict(num_embeddings=N, embedding_dim=DIM, optimizer=optimizer, sparse=sparse)
    if weight_decay is not None and optimizer != "sparse_adam":
        kwargs["weight_decay"] = weight_decay
    full = trace_updates(schedule, record_weights=True, **kwargs)
    cheap = trace_updates(schedule, record_weights=False, **kwargs)
    if isinstance(full, RefusedCombination):
        assert cheap == full
        return
    for f, c in zip(full.steps, cheap.steps, strict=True):
        assert torch.equal(f.changed_rows, c.changed_rows)
        assert torch.allclose(f.row_change, c.row_change)
        assert torch.equal(f.rows_with_grad, c.rows_with_grad)
        assert c.weight is None
        for name, norms in c.state_norms.items():  # NaN marks rows the cheap path skipped
            measured = ~norms.isnan()
            assert torch.allclose(norms[measured], f.state_norms[name][measured])
            assert (f.state_norms[name][~measured] == 0).all()


@pytest.mark.parametrize(
    ("optimizer", "sparse", "kwargs", "torch_class", "torch_kwargs"),
    [
        ("adam", True, {}, torch.optim.Adam, {}),
        ("adamw", True, {}, torch.optim.AdamW, {}),
        ("sparse_adam", False, {}, torch.optim.SparseAdam, {}),
        ("sgd", True, {"weight_decay": 0.1}, torch.optim.SGD, {"weight_decay": 0.1}),
        ("adagrad", True, {"weight_decay": 0.1}, torch.optim.Adagrad, {"weight_decay": 0.1}),
        ("rmsprop", True, {}, torch.optim.RMSprop, {}),
    ],
)
def test_refused_combinations_carry_torchs_own_message(
    optimizer, sparse, kwargs, torch_class, torch_kwargs
):
    result = trace_updates(
        [[1]], num_embeddings=3, embedding_dim=2, optimizer=optimizer, sparse=sparse, **kwargs
    )
    emb = torch.nn.Embedding(3, 2, sparse=sparse)
    opt = torch_class(emb.parameters(), lr=0.1, **torch_kwargs)
    emb(torch.tensor([1])).sum().backward()
    with pytest.raises(RuntimeError) as error:
        opt.step()
    assert isinstance(result, RefusedCombination)
    assert (result.error_type, result.message) == ("RuntimeError", str(error.value))


def test_sparse_adam_weight_decay_is_refused_by_its_constructor():
    result = trace_updates(
        [[1]],
        num_embeddings=3,
        embedding_dim=2,
        optimizer="sparse_adam",
        sparse=True,
        weight_decay=0.1,
    )
    assert isinstance(result, RefusedCombination)
    assert result.error_type == "TypeError" and "weight_decay" in result.message


def test_on_step_is_called_once_per_step_in_order():
    seen = []
    trace = trace_updates(
        [[0], [1, 2], [2]], num_embeddings=4, embedding_dim=2, on_step=seen.append
    )
    assert [record.step for record in seen] == [0, 1, 2]
    assert all(a is b for a, b in zip(seen, trace.steps, strict=True))


def test_grad_bytes_and_rows_with_grad_follow_the_batch():
    schedule = [[1, 1, 4]]
    dense = trace_updates(schedule, num_embeddings=10, embedding_dim=4)
    sparse = trace_updates(schedule, num_embeddings=10, embedding_dim=4, sparse=True)
    assert dense.steps[0].grad_bytes == 10 * 4 * 4
    assert sparse.steps[0].grad_bytes == 3 * (4 * 4 + 8)  # one (index, row) pair per lookup
    assert dense.steps[0].rows_with_grad.nonzero().flatten().tolist() == [1, 4]


def test_adam_state_lives_only_on_rows_seen_and_sparse_momentum_matches_dense():
    trace = trace_updates([[1, 2], [3]], num_embeddings=6, embedding_dim=2, optimizer="adam")
    assert isinstance(trace, UpdateTrace)
    assert trace.steps[-1].state_norms["exp_avg"].ne(0).tolist() == [0, 1, 1, 1, 0, 0]
    kwargs = dict(num_embeddings=6, embedding_dim=2, optimizer="sgd_momentum")
    dense = trace_updates([[1, 2], [3], [3]], **kwargs)
    sparse = trace_updates([[1, 2], [3], [3]], sparse=True, **kwargs)
    for d, s in zip(dense.steps, sparse.steps, strict=True):
        assert torch.allclose(d.state_norms["momentum_buffer"], s.state_norms["momentum_buffer"])


def test_bad_inputs_name_the_problem():
    kwargs = dict(num_embeddings=5, embedding_dim=2)
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'; valid names: sgd, sgd_mom"):
        trace_updates([[1]], optimizer="adamm", **kwargs)
    with pytest.raises(ValueError, match="schedule is empty"):
        trace_updates([], **kwargs)
    with pytest.raises(ValueError, match=r"id 7 .*num_embeddings=5.*max_id \+ 1 = 8"):
        trace_updates([[1], [7]], **kwargs)
    with pytest.raises(TypeError, match=r"ids must be an integer tensor \(torch.long\)"):
        trace_updates([[1.0]], **kwargs)
    with pytest.raises(ValueError, match="momentum applies to sgd"):
        trace_updates([[1]], optimizer="adam", momentum=0.9, **kwargs)
    with pytest.raises(ValueError, match="negative id -1"):
        trace_updates([[-1]], **kwargs)
    with pytest.raises(ValueError, match="unknown loss"):
        trace_updates([[1]], loss="mse", **kwargs)
    with pytest.raises(ValueError, match="num_embeddings must be a positive int"):
        trace_updates([[1]], num_embeddings=0, embedding_dim=2)


def test_cheap_change_test_catches_changes_whose_norm_underflows():
    from embedlib._rowwatch import moved as _moved

    delta = torch.tensor(
        [[0.0, 1e-30], [0.0, 0.0], [float("nan"), 0.0], [1e-38, -1e-40], [3.0, 4.0]]
    )
    norms = torch.linalg.vector_norm(delta, dim=1)
    assert norms[0] == 0  # the square of 1e-30 underflows in float32
    assert torch.equal(_moved(delta, norms), delta.abs().amax(dim=1).ne(0))
    assert _moved(delta, norms).tolist() == [True, False, True, True, True]
