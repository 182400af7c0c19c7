"""Tests for embedlib.toy: the generated task, the tiny models and the sweep."""

import pytest
import torch

from embedlib.toy import (
    MeanPoolClassifier,
    TinyCNN,
    _train_toy_task,
    make_toy_task,
    sweep_toy_task,
)

TASK = make_toy_task(num_embeddings=10, seq_len=3, num_examples=20, seed=0)
NAN = float("nan")


def test_labels_follow_the_hidden_rule():
    task = make_toy_task(num_embeddings=30, seq_len=3, num_examples=200, seed=4)
    for ids, label in zip(task.ids.tolist(), task.labels.tolist(), strict=True):
        score = sum(task.token_scores[i].item() for i in ids)
        assert label == int(score > 0)
    assert set(task.token_scores.tolist()) <= {-1, 1}
    assert task.num_embeddings == 30


def test_task_is_reproducible():
    a, b = make_toy_task(seed=3), make_toy_task(seed=3)
    assert torch.equal(a.ids, b.ids) and torch.equal(a.labels, b.labels)
    assert not torch.equal(a.ids, make_toy_task(seed=4).ids)


def test_mean_pool_classifier_matches_manual_computation():
    torch.manual_seed(0)
    model = MeanPoolClassifier(10, 3, num_classes=2)
    ids = torch.tensor([[1, 2, 2]])
    manual = model.head.weight @ model.embedding.weight[[1, 2, 2]].mean(0) + model.head.bias
    assert torch.allclose(model(ids)[0], manual)


def test_tiny_cnn_parameter_count():
    model = TinyCNN(in_channels=1, channels=4, resolution=8, num_classes=3)
    expected = (4 * 1 * 3 * 3 + 4) + (4 + 4) + (4 * 4 * 4 * 3 + 3)
    assert sum(p.numel() for p in model.parameters()) == expected


def test_good_learning_rate_learns_the_task():
    task = make_toy_task(seed=0)
    run = _train_toy_task(task, embedding_dim=16, lr=3.0, steps=150)
    assert run.losses[-10:].mean() < 0.5 * run.losses[:10].mean()
    assert run.accuracy > 0.95
    # a 1000x smaller learning rate barely moves in the same number of steps
    slow = _train_toy_task(task, embedding_dim=16, lr=0.003, steps=150)
    assert slow.losses[-10:].mean() > 0.9 * slow.losses[:10].mean()


def test_sweep_is_deterministic_and_ordered():
    task = make_toy_task(seed=0)
    runs = sweep_toy_task(task, embedding_dims=[2, 4], lrs=[0.1, 1.0], steps=5)
    assert [(r.embedding_dim, r.lr) for r in runs] == [(2, 0.1), (2, 1.0), (4, 0.1), (4, 1.0)]
    again = sweep_toy_task(task, embedding_dims=[2, 4], lrs=[0.1, 1.0], steps=5)
    assert all(torch.equal(a.losses, b.losses) for a, b in zip(runs, again, strict=True))


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: make_toy_task(seq_len=4), ValueError, "odd"),
        (lambda: make_toy_task(num_embeddings=1), ValueError, "num_embeddings must be"),
        (lambda: make_toy_task(seed=None), TypeError, "seed must be an int"),
        (lambda: make_toy_task(num_examples=10**8), ValueError, "num_examples x"),
        (lambda: sweep_toy_task("task", embedding_dims=[2], lrs=[1.0]), TypeError, "ToyTask"),
        (
            lambda: sweep_toy_task(TASK, embedding_dims=[], lrs=[1]),
            TypeError,
            "embedding_dims must",
        ),
        (lambda: sweep_toy_task(TASK, embedding_dims=[0], lrs=[1]), ValueError, r"dims\[0\] must"),
        (
            lambda: sweep_toy_task(TASK, embedding_dims=[2], lrs=[-1.0]),
            ValueError,
            r"lrs\[0\] must",
        ),
        (lambda: sweep_toy_task(TASK, embedding_dims=[2], lrs=[NAN]), ValueError, "finite"),
        (lambda: sweep_toy_task(TASK, embedding_dims=[2], lrs=["x"]), TypeError, r"lrs\[0\]"),
        (
            lambda: sweep_toy_task(TASK, embedding_dims=[2], lrs=[1], steps=10**9),
            ValueError,
            "steps",
        ),
        (lambda: TinyCNN(resolution=7), ValueError, "even"),
        (
            lambda: TinyCNN()(torch.zeros(2, 1, 6, 6)),
            ValueError,
            r"images must be \(batch, \*\(1, 8, 8",
        ),
        (lambda: MeanPoolClassifier(5, 2)(torch.tensor([[5]])), ValueError, "largest id 5"),
        (
            lambda: MeanPoolClassifier(5, 2)(torch.tensor([1])),
            ValueError,
            r"ids must be \(batch, seq",
        ),
        (lambda: MeanPoolClassifier(0, 2), ValueError, "num_embeddings must be"),
    ],
)
def test_bad_input_messages(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
