"""A toy text task generated in code, two tiny models, and a small hyperparameter sweep.

Task: every token id has a hidden score of +1 or -1; a sequence's label is 1 when its scores sum
to more than zero. A bag-of-embeddings classifier (Embedding -> mean -> Linear) can learn it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn

__all__ = ["MeanPoolClassifier", "TinyCNN", "make_toy_task", "sweep_toy_task"]


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
    for name, value in (("num_embeddings", num_embeddings), ("num_examples", num_examples)):
        if not isinstance(value, int) or value < 2:
            raise ValueError(f"{name} must be an int >= 2, got {value!r}")
    if not isinstance(seq_len, int) or seq_len < 1 or seq_len % 2 == 0:
        raise ValueError(
            f"seq_len must be a positive odd int (no ties in the vote), got {seq_len!r}"
        )
    generator = torch.Generator().manual_seed(seed)
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
        self.embedding = nn.Embedding(num_embeddings, embedding_dim)
        self.head = nn.Linear(embedding_dim, num_classes)

    def forward(self, ids: Tensor) -> Tensor:
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
        if resolution % 2:
            raise ValueError(f"resolution must be even (the pool halves it), got {resolution}")
        self.conv = nn.Conv2d(in_channels, channels, kernel_size=3, padding=1)
        self.bn = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(channels * (resolution // 2) ** 2, num_classes)

    def forward(self, images: Tensor) -> Tensor:
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
    if not isinstance(embedding_dim, int) or embedding_dim < 1:
        raise ValueError(f"embedding_dim must be a positive int, got {embedding_dim!r}")
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr!r}")
    if not isinstance(steps, int) or steps < 1 or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(
            f"steps and batch_size must be positive ints, got {steps!r}, {batch_size!r}"
        )
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
    if len(embedding_dims) == 0 or len(lrs) == 0:
        raise ValueError("embedding_dims and lrs must each hold at least one value to try")
    return [
        _train_toy_task(task, embedding_dim=d, lr=lr, steps=steps, batch_size=batch_size, seed=seed)
        for d in embedding_dims
        for lr in lrs
    ]
