"""Loss curves: one line per run, so a hyperparameter sweep can be read at a glance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from embedlib.plots._figure import SMALL, new_figure

__all__ = ["plot_loss_curves"]


def plot_loss_curves(
    curves: Mapping[str, Sequence[float]],
    *,
    ax: Axes | None = None,
    logy: bool = True,
    title: str | None = None,
    figsize: tuple[float, float] = (6, 3),
) -> Figure:
    """Plot one loss curve per label against the training step.

    >>> fig = plot_loss_curves({"lr=0.1": [1.0, 0.5, 0.25], "lr=1": [1.0, 0.1, 0.01]})
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['lr=0.1', 'lr=1']
    """
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError("curves must be a non-empty mapping {label: sequence of losses}")
    values = {}
    for label, losses in curves.items():
        try:
            losses = torch.as_tensor(losses, dtype=torch.float64).flatten()
        except (TypeError, ValueError, RuntimeError) as error:
            raise TypeError(f"curves[{label!r}] must be a sequence of numbers: {error}") from error
        if losses.numel() == 0:
            raise ValueError(f"curves[{label!r}] is empty: give at least one loss value")
        if logy and not bool((losses > 0).all()):
            raise ValueError(f"curves[{label!r}] has losses <= 0; pass logy=False to plot them")
        values[str(label)] = losses
    if ax is None:
        _fig, ax = new_figure(figsize=figsize)
    for label, losses in values.items():
        ax.plot(range(len(losses)), losses.numpy(), lw=1.5, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    if title is not None:
        ax.set_title(title)
    ax.legend(fontsize=SMALL, ncols=1 + len(values) // 5)
    return ax.figure
