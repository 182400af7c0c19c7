"""What a gradient step and a lookup cost as the vocabulary grows: time and memory, log-log."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from embedlib.cost import GradStepCost, LookupCost
from embedlib.plots._figure import SMALL, check_items, new_figure

__all__ = ["plot_cost"]


def plot_cost(
    step_costs: Sequence[GradStepCost],
    *,
    lookup_costs: Sequence[LookupCost] = (),
    ax: Sequence[Axes] | None = None,
) -> Figure:
    """Draw time (left) and gradient memory (right) against vocabulary size, log-log.

    ``ax`` may be a pair of Axes (time, memory).

    >>> from embedlib.cost import gradient_step_cost
    >>> fig = plot_cost(gradient_step_cost([10, 100], embedding_dim=2, repeats=1))
    >>> [line.get_label() for line in fig.axes[1].lines]
    ['dense weight.grad', 'sparse weight.grad']
    """
    check_items(
        step_costs, "step_costs", GradStepCost, "gradient_step_cost([10, 100], embedding_dim=4)"
    )
    if ax is None:
        _fig, ax = new_figure(ncols=2, figsize=(7.5, 3.2))
    time_ax, memory_ax = ax
    vocab = [c.num_embeddings for c in step_costs]
    for kind, style in (("dense", "o-"), ("sparse", "s-")):
        ms = [getattr(c, f"{kind}_seconds") * 1e3 for c in step_costs]
        time_ax.loglog(vocab, ms, style, label=f"{kind} step")
        nbytes = [getattr(c, f"{kind}_grad_bytes") for c in step_costs]
        memory_ax.loglog(vocab, nbytes, style, label=f"{kind} weight.grad")
    fitted = [c for c in lookup_costs if c.onehot_seconds is not None]
    for costs, attr, style, label in [
        (lookup_costs, "lookup_seconds", "^--", "lookup"),
        (fitted, "onehot_seconds", "v--", "one-hot matmul"),
    ]:
        if costs:
            x, y = [c.num_embeddings for c in costs], [getattr(c, attr) * 1e3 for c in costs]
            time_ax.loglog(x, y, style, label=label)
    time_ax.set(xlabel="num_embeddings", ylabel="milliseconds (median)", title="time")
    memory_ax.set(xlabel="num_embeddings", ylabel="bytes", title="gradient memory")
    for axis in (time_ax, memory_ax):
        axis.legend(fontsize=SMALL)
    return time_ax.figure
