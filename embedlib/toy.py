"""A toy text task generated in code, two tiny models, and a small hyperparameter sweep.

Task: every token id has a hidden score of +1 or -1; a sequence's label is 1 when its scores sum
to more than zero. A bag-of-embeddings classifier (Embedding -> mean -> Linear) can learn it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from embedlib._checks import (
    MAX_TABLE_ELEMENTS,
    check_count,
    check_number,
    check_seed,
    check_table_size,
)
from embedlib.diagnose import check_ids

__all__ = ["MeanPoolClassifier", "TinyCNN", "make_toy_task", "sweep_toy_task"]

_MAX_RUNS, _MAX_STEPS = 100, 100_000  # a sweep is a demo: more than this is a mistake


@dataclass(frozen=True)
class ToyTask:
    """Token-id sequences, their labels and the hidden per-token scores that decide the labels.

    >>> task = make_toy_task(num_embeddings=20, seq_len=5, num_examples=8, seed=0)
    >>> task.ids.shape, task.labels.shape, task.token_scores.shape
    (torch.Size([8, 5]), torch.Size([8]), torch.Size([20]))
    """

    ids: Tensor  # (num_examples, seq_len) long
    labels: Tensor  # (num_examples,) long, 0 or 1
    token_scores: Tensor  # (num_embeddings,) +1 or -1

    @property
    def num_embeddings(self) -> int:
        """Vocabulary size: the largest possible id + 1."""
        return self.token_scores.numel()


def make_toy_task(
    num_embeddings: int = 50, seq_len: int = 5, num_examples: int = 512, *, seed: int = 0
) -> ToyTask:
    """Generate the toy task: label = 1 if the hidden +-1 scores of a sequence's tokens sum > 0.

    >>> task = make_toy_task(seed=1)
    >>> bool((task.labels == (task.token_scores[task.ids].sum(1) > 0).long()).all())
    True
    """
    check_count(num_embeddings, "num_embeddings", low=2, high=MAX_TABLE_ELEMENTS)
    check_count(num_examples, "num_examples", low=2)
    if check_count(seq_len, "seq_len") % 2 == 0:
        raise ValueError(f"seq_len must be odd (no ties in the vote), got {seq_len}; pass e.g. 5")
    check_table_size(num_examples, seq_len, ("num_examples", "seq_len"))  # the ids tensor
    generator = torch.Generator().manual_seed(check_seed(seed))
    token_scores = torch.randint(0, 2, (num_embeddings,), generator=generator) * 2 - 1
    ids = torch.randint(0, num_embeddings, (num_examples, seq_len), generator=generator)
    labels = (token_scores[ids].sum(dim=1) > 0).long()  # (num_examples,)
    return ToyTask(ids=ids, labels=labels, token_scores=token_scores)


class MeanPoolClassifier(nn.Module):
    """A tiny text classifier: Embedding -> mean over the sequence -> Linear.

    >>> model = MeanPoolClassifier(num_embeddings=10, embedding_dim=4, num_classes=2)
    >>> model(torch.tensor([[1, 2, 3]])).shape
    torch.Size([1, 2])
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, num_classes: int = 2) -> None:
        super().__init__()
        check_table_size(num_embeddings, embedding_dim)
        check_table_size(num_classes, embedding_dim, ("num_classes", "embedding_dim"))  # head
        self.embedding = nn.Embedding(num_embeddings, embedding_dim)
        self.head = nn.Linear(embedding_dim, num_classes)

    def forward(self, ids: Tensor) -> Tensor:
        check_ids(ids, self.embedding.num_embeddings)
        if ids.dim() != 2:
            raise ValueError(
                f"ids must be (batch, seq), got shape {tuple(ids.shape)}; use ids[None]"
            )
        vectors = self.embedding(ids)  # (batch, seq, dim)
        return self.head(vectors.mean(dim=1))  # (batch, num_classes)


class TinyCNN(nn.Module):
    """A tiny image classifier: Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d -> Linear.

    >>> model = TinyCNN(in_channels=1, channels=4, resolution=8, num_classes=3)
    >>> model(torch.zeros(2, 1, 8, 8)).shape
    torch.Size([2, 3])
    """

    def __init__(
        self, in_channels: int = 1, channels: int = 4, resolution: int = 8, num_classes: int = 3
    ) -> None:
        super().__init__()
        for name, value in (("in_channels", in_channels), ("channels", channels)):
            check_count(value, name, high=1024)
        if check_count(resolution, "resolution", low=2, high=1024) % 2:
            raise ValueError(f"resolution must be even (the pool halves it), got {resolution}")
        check_table_size(
            num_classes, channels * (resolution // 2) ** 2, ("num_classes", "fc inputs")
        )
        self.resolution = resolution
        self.conv = nn.Conv2d(in_channels, channels, kernel_size=3, padding=1)
        self.bn = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(channels * (resolution // 2) ** 2, num_classes)

    def forward(self, images: Tensor) -> Tensor:
        shape = (self.conv.in_channels, self.resolution, self.resolution)
        if not isinstance(images, Tensor) or not images.is_floating_point():
            raise TypeError(f"images must be a float tensor (batch, *{shape}), got {images!r:.60}")
        if images.dim() != 4 or tuple(images.shape[1:]) != shape:
            raise ValueError(f"images must be (batch, *{shape}), got shape {tuple(images.shape)}")
        x = self.pool(self.relu(self.bn(self.conv(images))))  # (batch, channels, res/2, res/2)
        return self.fc(x.flatten(start_dim=1))  # (batch, num_classes)


@dataclass(frozen=True)
class SweepRun:
    """One training run of a sweep: its hyperparameters, loss per step and final accuracy.

    >>> SweepRun(embedding_dim=8, lr=0.5, losses=torch.ones(3), accuracy=1.0).label
    'dim=8, lr=0.5'
    """

    embedding_dim: int
    lr: float
    losses: Tensor  # (steps,)
    accuracy: float

    @property
    def label(self) -> str:
        """A short legend label naming the run's hyperparameters."""
        return f"dim={self.embedding_dim}, lr={self.lr:g}"


def _train_toy_task(
    task: ToyTask,
    *,
    embedding_dim: int,
    lr: float,
    steps: int = 100,
    batch_size: int = 64,
    seed: int = 0,
) -> SweepRun:
    """Train a MeanPoolClassifier on ``task`` with plain SGD and return its loss curve.

    >>> run = _train_toy_task(make_toy_task(seed=0), embedding_dim=8, lr=1.0, steps=5)
    >>> run.losses.shape
    torch.Size([5])
    """
    torch.manual_seed(seed)  # the model's init; batches use their own generator below
    model = MeanPoolClassifier(task.num_embeddings, embedding_dim)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    batches = torch.Generator().manual_seed(seed)
    losses = torch.empty(steps)
    for step in range(steps):
        rows = torch.randint(0, task.labels.numel(), (batch_size,), generator=batches)
        loss = nn.functional.cross_entropy(model(task.ids[rows]), task.labels[rows])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses[step] = loss.detach()
    with torch.no_grad():
        accuracy = (model(task.ids).argmax(dim=1) == task.labels).float().mean().item()
    return SweepRun(embedding_dim, float(lr), losses, accuracy)


def sweep_toy_task(
    task: ToyTask,
    *,
    embedding_dims: Sequence[int],
    lrs: Sequence[float],
    steps: int = 100,
    batch_size: int = 64,
    seed: int = 0,
) -> list[SweepRun]:
    """Train one model per (embedding_dim, lr) pair, all from the same seed and batches.

    >>> runs = sweep_toy_task(make_toy_task(seed=0), embedding_dims=[2, 4], lrs=[0.1], steps=3)
    >>> [run.label for run in runs]
    ['dim=2, lr=0.1', 'dim=4, lr=0.1']
    """
    if not isinstance(task, ToyTask):
        raise TypeError(f"task must be a ToyTask from make_toy_task(), got {type(task).__name__}")
    for name, values in (("embedding_dims", embedding_dims), ("lrs", lrs)):
        if isinstance(values, str) or not isinstance(values, Sequence) or len(values) == 0:
            raise TypeError(f"{name} must be a non-empty list of values to try, got {values!r:.60}")
    if len(embedding_dims) * len(lrs) > _MAX_RUNS:
        raise ValueError(
            f"{len(embedding_dims) * len(lrs)} runs is more than {_MAX_RUNS}; try fewer"
        )
    for i, dim in enumerate(embedding_dims):
        check_count(dim, f"embedding_dims[{i}]", high=MAX_TABLE_ELEMENTS // task.num_embeddings)
    for i, lr in enumerate(lrs):
        check_number(lr, f"lrs[{i}]", low=0.0, strict=True)
    check_count(steps, "steps", high=_MAX_STEPS)
    check_count(batch_size, "batch_size", high=_MAX_STEPS)
    check_seed(seed)
    return [
        _train_toy_task(task, embedding_dim=d, lr=lr, steps=steps, batch_size=batch_size, seed=seed)
        for d in embedding_dims
        for lr in lrs
    ]
