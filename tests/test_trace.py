"""Tests for embedlib.trace: traced updates against hand-computed and directly-run oracles."""

import functools

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from embedlib.trace import _RECORD_LIMIT_BYTES, RefusedCombination, UpdateTrace, trace_updates

N, DIM = 8, 3
SGD = torch.optim.SGD
schedules = st.lists(
    st.lists(st.integers(0, N - 1), min_size=1, max_size=4), min_size=1, max_size=5
)


def direct_run(schedule, optimizer, sparse=False, **kwargs):
    """The plain torch loop, written independently: the table after every step."""
    generator = torch.Generator().manual_seed(0)
    emb = torch.nn.Embedding.from_pretrained(
        torch.randn(N, DIM, generator=generator), freeze=False, sparse=sparse
    )
    opt = optimizer(emb.parameters(), **kwargs)
    tables = []
    for ids in schedule:
        opt.zero_grad()
        emb(torch.tensor(ids)).sum().backward()
        opt.step()
        tables.append(emb.weight.detach().clone())
    return tables


def test_sgd_momentum_matches_hand_computed_update():
    schedule, lr, momentum = [[1, 2], [3], [3, 3], [4]], 0.1, 0.9
    trace = trace_updates(
        schedule, SGD, num_embeddings=6, embedding_dim=2, lr=lr, momentum=momentum
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
        assert torch.equal(record.changed_rows, buffer.ne(0).any(dim=1))
        assert torch.equal(record.batch, torch.tensor(ids))
    # rows 1 and 2 were looked up only in step 0 and still moved in the last step
    assert trace.steps[-1].changed_rows[[1, 2]].all()


@settings(max_examples=25, deadline=None)
@given(
    schedule=schedules,
    setting=st.sampled_from(
        [
            (torch.optim.SGD, {"lr": 0.1}),
            (torch.optim.SGD, {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.1}),
            (torch.optim.Adam, {"lr": 0.1}),
            (torch.optim.AdamW, {"lr": 0.1}),
            (torch.optim.Adagrad, {"lr": 0.1}),
            (torch.optim.RMSprop, {"lr": 0.1, "centered": True}),
        ]
    ),
)
def test_every_step_matches_a_plain_torch_loop(schedule, setting):
    optimizer, kwargs = setting
    trace = trace_updates(schedule, optimizer, num_embeddings=N, embedding_dim=DIM, **kwargs)
    tables = direct_run(schedule, optimizer, **kwargs)
    before = trace.initial_weight
    for record, change, table in zip(trace.steps, trace.changes(), tables, strict=True):
        assert torch.equal(record.weight, table)
        assert torch.equal(record.changed_rows, (table != before).any(dim=1))
        assert torch.equal(change, table - before)
        before = table
    assert torch.equal(trace.changed_matrix(), torch.stack([r.changed_rows for r in trace.steps]))


@settings(max_examples=30, deadline=None)
@given(schedule=schedules)
def test_sparse_and_dense_gradients_give_the_same_sgd_updates(schedule):
    dense = trace_updates(schedule, SGD, num_embeddings=N, embedding_dim=DIM, lr=0.1)
    sparse = trace_updates(schedule, SGD, num_embeddings=N, embedding_dim=DIM, sparse=True, lr=0.1)
    assert torch.equal(dense.initial_weight, sparse.initial_weight)
    for d, s in zip(dense.steps, sparse.steps, strict=True):
        assert torch.allclose(d.weight, s.weight, atol=1e-6)
        assert torch.equal(d.changed_rows, s.changed_rows)
    looked_up = torch.zeros(N, dtype=torch.bool)
    looked_up[schedule[-1]] = True
    assert torch.equal(dense.steps[-1].changed_rows, looked_up)


@pytest.mark.parametrize(
    ("optimizer", "sparse", "kwargs"),
    [
        (torch.optim.Adam, True, {}),
        (torch.optim.AdamW, True, {}),
        (torch.optim.SparseAdam, False, {}),
        (torch.optim.SGD, True, {"weight_decay": 0.1}),
        (torch.optim.Adagrad, True, {"weight_decay": 0.1}),
        (torch.optim.RMSprop, True, {}),
    ],
)
def test_refused_combinations_carry_torchs_own_message(optimizer, sparse, kwargs):
    result = trace_updates(
        [[1]], optimizer, num_embeddings=3, embedding_dim=2, sparse=sparse, lr=0.1, **kwargs
    )
    emb = torch.nn.Embedding(3, 2, sparse=sparse)
    opt = optimizer(emb.parameters(), lr=0.1, **kwargs)
    emb(torch.tensor([1])).sum().backward()
    with pytest.raises(RuntimeError) as error:
        opt.step()
    assert isinstance(result, RefusedCombination)
    assert (result.error_type, result.message) == ("RuntimeError", str(error.value))
    assert result.label.startswith(f"{optimizer.__name__} lr=0.1")


def test_a_factory_is_called_with_the_params_and_the_kwargs():
    calls = []

    def factory(params, lr):
        calls.append(lr)
        return torch.optim.SGD(params, lr=lr, momentum=0.5)

    trace = trace_updates([[1], [2]], factory, num_embeddings=4, embedding_dim=2, lr=0.2)
    assert calls == [0.2]
    assert trace.label == "factory lr=0.2 dense"
    assert trace.steps[1].changed_rows.tolist() == [False, True, True, False]  # momentum 0.5
    partial = functools.partial(torch.optim.SGD, lr=0.3)
    first = trace_updates([[1]], partial, num_embeddings=4, embedding_dim=2).steps[0]
    assert torch.allclose(first.weight[1] - trace.initial_weight[1], torch.full((2,), -0.3))


def test_the_label_names_the_optimizer_its_arguments_and_the_gradient_layout():
    trace = trace_updates(
        [[1]], torch.optim.AdamW, num_embeddings=3, embedding_dim=2, sparse=False, lr=0.1
    )
    assert trace.label == "AdamW lr=0.1 dense"
    sgd = trace_updates([[1]], SGD, num_embeddings=3, embedding_dim=2, sparse=True, lr=0.5,
                        momentum=0.9, nesterov=True)  # fmt: skip
    assert sgd.label == "SGD lr=0.5 momentum=0.9 nesterov=True sparse"


def test_sparse_momentum_matches_dense_momentum():
    kwargs = dict(num_embeddings=6, embedding_dim=2, lr=0.1, momentum=0.9)
    dense = trace_updates([[1, 2], [3], [3]], SGD, **kwargs)
    sparse = trace_updates([[1, 2], [3], [3]], SGD, sparse=True, **kwargs)
    assert isinstance(sparse, UpdateTrace)
    for d, s in zip(dense.steps, sparse.steps, strict=True):
        assert torch.allclose(d.weight, s.weight, atol=1e-6)
        assert torch.equal(d.changed_rows, s.changed_rows)


def test_id_check_boundary_is_num_embeddings():
    # the largest valid id is num_embeddings - 1: it runs; num_embeddings itself is refused
    trace = trace_updates([[4]], SGD, num_embeddings=5, embedding_dim=2, lr=0.1)
    assert trace.steps[0].changed_rows.tolist() == [False, False, False, False, True]
    with pytest.raises(ValueError, match=r"schedule\[1\].*num_embeddings=5"):
        trace_updates([[0], [5]], SGD, num_embeddings=5, embedding_dim=2, lr=0.1)


class _NaNOptimizer(torch.optim.Optimizer):
    """Writes NaN into the first looked-up row: a step that breaks the table."""

    def __init__(self, params):
        super().__init__(params, {})

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                row = int(p.grad.coalesce().indices()[0, 0]) if p.grad.is_sparse else None
                row = row if row is not None else int(p.grad.ne(0).any(dim=1).nonzero()[0])
                p[row] = float("nan")


def test_a_row_that_becomes_nan_counts_as_changed():
    trace = trace_updates([[2], [2]], _NaNOptimizer, num_embeddings=4, embedding_dim=2)
    first, second = trace.steps
    assert first.weight[2].isnan().all()
    assert first.changed_rows.tolist() == [False, False, True, False]
    assert second.changed_rows.tolist() == [False, False, False, False]  # NaN stayed NaN


def test_records_are_refused_above_the_limit_before_anything_big_is_built():
    # one step keeps two tables (before and after) of 64 float32 and a bool mask per row
    rows = _RECORD_LIMIT_BYTES // (2 * (4 * 64 + 1)) + 1
    with pytest.raises(ValueError, match=r"64 MB.*fewer steps or a smaller table"):
        trace_updates([[1]], SGD, num_embeddings=rows, embedding_dim=64, lr=0.1)
    assert isinstance(
        trace_updates([[1]], SGD, num_embeddings=rows - 1, embedding_dim=64, lr=0.1), UpdateTrace
    )
    # steps count too: 200 one-id steps on a 4 MB table would keep 800 MB
    with pytest.raises(ValueError, match=r"200 steps of a 1,000 x 1,000 table"):
        trace_updates([[1]] * 200, SGD, num_embeddings=1000, embedding_dim=1000, lr=0.1)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (dict(schedule=[[1]], optimizer="sgd"), TypeError, r"string 'sgd'.*torch\.optim\.SGD"),
        (dict(schedule=[[1]], optimizer=torch.nn.Linear), TypeError, "Optimizer subclass"),
        (dict(schedule=[[1]], momentun=0.9), TypeError, r"'momentun' \(did you mean 'momentum'"),
        (dict(schedule=[[1]], lr=float("nan")), ValueError, r"lr must be a finite number, got nan"),
        (dict(schedule=[[1]], lr="x"), TypeError, r"lr must be a number, got 'x'"),
        (dict(schedule=[[1]], weight_decay=float("inf")), ValueError, "weight_decay must be a fin"),
        (dict(schedule=[[1]], lr=-1.0), ValueError, r"SGD\(lr=-1.0\) refused.*learning rate"),
        (dict(schedule=[[1]], seed=None), TypeError, "seed must be an int, got None"),
        (dict(schedule=[[1]], sparse="yes"), TypeError, "sparse must be True or False"),
        (dict(schedule=[]), ValueError, "schedule is empty"),
        (dict(schedule=[[]]), ValueError, r"schedule\[0\] is an empty batch"),
        (dict(schedule=[[1], []]), ValueError, r"schedule\[1\] is an empty batch"),
        (dict(schedule=[1, 2]), TypeError, r"schedule\[0\] is the number 1"),
        (dict(schedule="12"), TypeError, "schedule must be a list of id batches"),
        (dict(schedule=[[1.0]]), TypeError, r"schedule\[0\].*torch\.float32"),
        (dict(schedule=[[-1]]), ValueError, r"schedule\[0\].*negative"),
        (dict(schedule=[[1], [7]]), ValueError, r"schedule\[1\].*max_id \+ 1 = 8"),
        (dict(schedule=[torch.tensor([1], dtype=torch.int16)]), TypeError, "torch.int16"),
        (dict(schedule=[[1]], num_embeddings=0), ValueError, "num_embeddings must be an int >="),
        (dict(schedule=[[1]], embedding_dim=2.0), TypeError, "embedding_dim must be an int"),
    ],
)
def test_bad_inputs_name_the_problem(call, error, match):
    call = {"optimizer": SGD, "num_embeddings": 5, "embedding_dim": 2, "lr": 0.1, **call}
    schedule, optimizer = call.pop("schedule"), call.pop("optimizer")
    with pytest.raises(error, match=match):
        trace_updates(schedule, optimizer, **call)
