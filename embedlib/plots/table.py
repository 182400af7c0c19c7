"""Pictures of a traced embedding table: which rows were looked up, which moved, and what it cost.

Convention in every panel: a black marker on the left of a row means "looked up in this step";
an orange marker on the right means "changed in this step". Orange without black is the
interesting case: a row that moved without a gradient (momentum, Adam state, weight decay).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from embedlib.cost import GradStepCost, LookupCost
from embedlib.plots._figure import new_figure
from embedlib.trace import RefusedCombination, UpdateTrace

__all__ = [
    "plot_cost",
    "plot_refused",
    "plot_step",
    "plot_table_heatmap",
    "plot_update_trace",
    "update_step_figure",
]

BATCH_COLOR, CHANGED_COLOR = "black", "tab:orange"
BELOW = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.18), "fontsize": 7, "frameon": False}


def _mask(rows: torch.Tensor | Sequence[int] | None, n: int, name: str) -> np.ndarray:
    """A bool (n,) mask from a bool mask or a list of row ids."""
    if rows is None:
        return np.zeros(n, dtype=bool)
    rows = torch.as_tensor(rows)
    if rows.dtype == torch.bool:
        if rows.shape != (n,):
            raise ValueError(f"{name} as a mask must have shape ({n},), got {tuple(rows.shape)}")
        return rows.numpy().copy()
    if rows.numel() and (int(rows.min()) < 0 or int(rows.max()) >= n):
        raise ValueError(f"{name} holds row ids outside 0..{n - 1}; pass ids of this table's rows")
    mask = np.zeros(n, dtype=bool)
    mask[rows.flatten().long().numpy()] = True
    return mask


def _mark_rows(ax: Axes, batch: np.ndarray, changed: np.ndarray, dim: int) -> None:
    """Scatter markers left (batch) and right (changed) of a rows x dim image."""
    rows = np.arange(len(batch))
    style = {"s": 25, "clip_on": False}
    ax.scatter(np.full(batch.sum(), -0.9), rows[batch], marker=">", c=BATCH_COLOR, **style,
               label="looked up this step")  # fmt: skip
    ax.scatter(np.full(changed.sum(), dim - 0.1), rows[changed], marker="<", c=CHANGED_COLOR,
               **style, label="changed this step")  # fmt: skip
    ax.set_xlim(-1.0, dim)


def _new_axes(ax: Axes | None, ncols: int = 1, figsize=(6.0, 3.0), layout="constrained"):
    if ax is not None:
        return ax
    _fig, axes = new_figure(ncols=ncols, figsize=figsize, layout=layout, dpi=72)
    return axes


def plot_table_heatmap(
    weight: torch.Tensor,
    *,
    batch_rows: torch.Tensor | Sequence[int] | None = None,
    changed_rows: torch.Tensor | Sequence[int] | None = None,
    ax: Axes | None = None,
    title: str = "embedding table",
) -> Figure:
    """Draw the table (rows x dims) as a heatmap, marking looked-up and changed rows.

    >>> fig = plot_table_heatmap(torch.zeros(5, 3), batch_rows=[1], changed_rows=[1, 2])
    >>> [len(c.get_offsets()) for c in fig.axes[0].collections]
    [1, 2]
    """
    if not isinstance(weight, torch.Tensor) or weight.dim() != 2:
        raise ValueError("weight must be a 2-D tensor (num_embeddings, embedding_dim)")
    n, dim = weight.shape
    batch, changed = _mask(batch_rows, n, "batch_rows"), _mask(changed_rows, n, "changed_rows")
    ax = _new_axes(ax)
    values = weight.detach().float().numpy()
    vmax = float(np.abs(values).max()) or 1.0
    image = ax.imshow(values, cmap="RdBu_r", vmin=-vmax, vmax=vmax, aspect="auto")
    ax.figure.colorbar(image, ax=ax, label="value")
    _mark_rows(ax, batch, changed, dim)
    ax.set(xlabel="dimension", ylabel="row (id)", title=title)
    ax.legend(ncol=2, **BELOW)
    return ax.figure


def plot_update_trace(trace: UpdateTrace, *, ax: Axes | None = None) -> Figure:
    """Draw rows x steps: colour = how far the row moved (blank = unchanged), dots = looked up.

    >>> from embedlib.trace import trace_updates
    >>> trace = trace_updates([[1], [2]], torch.optim.SGD, num_embeddings=4, embedding_dim=2,
    ...                       lr=0.1)
    >>> fig = plot_update_trace(trace)
    >>> int(fig.axes[0].images[0].get_array().count())  # cells that changed
    2
    """
    if not isinstance(trace, UpdateTrace):
        raise TypeError(
            f"trace must be an UpdateTrace from trace_updates, got {type(trace).__name__}"
        )
    change = trace.row_change_matrix().T.numpy()  # (rows, steps)
    changed = trace.changed_matrix().T.numpy()
    ax = _new_axes(ax, figsize=(5, 3))
    image = ax.imshow(np.ma.masked_where(~changed, change), cmap="viridis", aspect="auto")
    ax.figure.colorbar(image, ax=ax, label="|row change|")
    for step, record in enumerate(trace.steps):
        rows = record.batch.flatten().unique().numpy()
        ax.scatter(np.full(len(rows), step), rows, s=12, c="white", edgecolors=BATCH_COLOR)
    steps = len(trace.steps)
    ax.set_xticks(range(steps))
    ax.set(xlabel="step", ylabel="row (id)")
    ax.set_title(f"{trace.config.label}\nrow change per step (blank: unchanged)", fontsize=9)
    looked_up = Line2D([], [], ls="", marker="o", mfc="white", mec=BATCH_COLOR)
    ax.legend([looked_up], ["looked up in that step"], **BELOW)
    return ax.figure


def _pairs(trace: UpdateTrace) -> list[tuple]:
    """(record, weight before its step) for every step."""
    befores = [trace.initial_weight, *(record.weight for record in trace.steps[:-1])]
    return list(zip(trace.steps, befores, strict=True))


def _step_data(trace: UpdateTrace, step: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(delta rows x dims, batch mask, changed mask) for one step of a trace with weights."""
    if not isinstance(trace, UpdateTrace):
        raise TypeError(
            f"trace must be an UpdateTrace from trace_updates, got {type(trace).__name__}"
        )
    if not 0 <= step < len(trace.steps):
        raise ValueError(f"step must be in 0..{len(trace.steps) - 1}, got {step}")
    if trace.initial_weight is None:
        raise ValueError("this trace has no weights; rerun trace_updates with record_weights=True")
    before = trace.initial_weight if step == 0 else trace.steps[step - 1].weight
    record = trace.steps[step]
    n = trace.config.num_embeddings
    delta = (record.weight - before).numpy()
    return delta, _mask(record.batch.flatten(), n, "batch"), record.changed_rows.numpy()


def plot_step(trace: UpdateTrace, step: int, *, ax: Sequence[Axes] | None = None) -> Figure:
    """Draw one step: the table's change (rows x dims) and each row's change norm as bars.

    ``ax`` may be a pair of Axes (change heatmap, bars). The colour scale is shared by all steps
    of the trace, so frames compare.

    >>> from embedlib.trace import trace_updates
    >>> trace = trace_updates([[1], [2]], torch.optim.SGD, num_embeddings=4, embedding_dim=2,
    ...                       lr=0.1, momentum=0.9)
    >>> fig = plot_step(trace, 1)
    >>> fig.axes[0].collections[1].get_offsets()[:, 1].tolist()  # rows changed in step 1
    [1.0, 2.0]
    """
    delta, batch, changed = _step_data(trace, step)
    n, dim = delta.shape
    heat_ax, bar_ax = _new_axes(ax, ncols=2, figsize=(6, 3), layout=None)
    if ax is None:  # a fixed layout: constrained layout would cost more than the drawing
        heat_ax.figure.subplots_adjust(left=0.1, right=0.97, bottom=0.32, top=0.8, wspace=0.08)
    heat_ax.imshow(delta, cmap="RdBu_r", aspect="auto", interpolation="nearest")
    _mark_rows(heat_ax, batch, changed, dim)
    heat_ax.legend(ncol=2, **{**BELOW, "bbox_to_anchor": (0.5, -0.27)})
    heat_ax.set(xlabel="dimension", ylabel="row (id)", title=f"change in step {step}")
    for color in (BATCH_COLOR, CHANGED_COLOR):  # one Line2D per colour: cheap to redraw live
        bar_ax.plot([], [], color=color, lw=max(1.0, 60 / n), solid_capstyle="butt")
    # A fixed scale (relative to the run's largest change) keeps the axes still between updates,
    # so a live widget redraws only the data; the largest change is printed in the title.
    bar_ax.set(ylim=(n - 0.5, -0.5), xlim=(0, 1.05), xlabel="|row change| / largest", yticks=[])
    lines = [Line2D([], [], color=c) for c in (BATCH_COLOR, CHANGED_COLOR)]
    bar_ax.legend(
        lines,
        ["looked up", "moved, no gradient"],
        ncol=2,
        **{**BELOW, "bbox_to_anchor": (0.5, -0.27)},
    )
    bar_ax.figure.suptitle(trace.config.label, fontsize=9)
    return update_step_figure(bar_ax.figure, trace, step)


def update_step_figure(fig: Figure, trace: UpdateTrace, step: int) -> Figure:
    """Update, in place, a figure made by ``plot_step`` to show another step or trace; return it.

    >>> from embedlib.trace import trace_updates
    >>> trace = trace_updates([[1], [2]], torch.optim.SGD, num_embeddings=4, embedding_dim=2,
    ...                       lr=0.1)
    >>> fig = update_step_figure(plot_step(trace, 0), trace, 1)
    >>> fig.axes[0].get_title()
    'change in step 1'
    """
    delta, batch, changed = _step_data(trace, step)
    heat_ax, bar_ax = fig.axes[0], fig.axes[1]
    if heat_ax.images[0].get_array().shape != delta.shape:
        raise ValueError("the figure was drawn for a table of another shape; call plot_step again")
    n, dim = delta.shape
    rows = np.arange(n)
    # one colour scale for every step of the trace, so frames compare
    largest = max(float((a.weight - b).abs().max()) for a, b in _pairs(trace)) or 1.0
    heat_ax.images[0].set_data(delta)
    heat_ax.images[0].set_clim(-largest, largest)
    batch_marks, changed_marks = heat_ax.collections[0], heat_ax.collections[1]
    batch_marks.set_offsets(np.column_stack([np.full(batch.sum(), -0.9), rows[batch]]))
    changed_marks.set_offsets(np.column_stack([np.full(changed.sum(), dim - 0.1), rows[changed]]))
    heat_ax.set_title(f"change in step {step}")
    largest_row_change = float(trace.row_change_matrix().max()) or 1.0
    norms = np.linalg.norm(delta, axis=1) / largest_row_change
    for line, rows_in in zip(bar_ax.lines, (batch, ~batch), strict=True):
        ys, xs = rows[rows_in], norms[rows_in]  # bars as segments (0, y)-(x, y) split by NaN
        nan = np.full(len(ys), np.nan)
        line.set_data(
            np.column_stack([0 * xs, xs, nan]).ravel(), np.column_stack([ys, ys, nan]).ravel()
        )
    fig.suptitle(f"{trace.config.label}: largest row change {largest_row_change:.3g}", fontsize=9)
    return fig


def plot_refused(refused: RefusedCombination, *, ax: Axes | None = None) -> Figure:
    """Draw PyTorch's refusal (error type and its own message) where the plot would be.

    >>> from embedlib.trace import trace_updates
    >>> refused = trace_updates([[1]], torch.optim.RMSprop, num_embeddings=2, embedding_dim=1,
    ...                         sparse=True)
    >>> fig = plot_refused(refused)
    >>> fig.axes[0].texts[0].get_text().splitlines()[1]
    'RuntimeError: RMSprop does not support sparse gradients'
    """
    if not isinstance(refused, RefusedCombination):
        raise TypeError(f"refused must be a RefusedCombination, got {type(refused).__name__}")
    ax = _new_axes(ax, figsize=(6, 3))
    message = textwrap.fill(f"{refused.error_type}: {refused.message}", width=60)
    ax.text(
        0.5,
        0.5,
        f"PyTorch refused {refused.config.label}:\n{message}",
        ha="center",
        va="center",
        wrap=True,
        fontsize=9,
        color="darkred",
        transform=ax.transAxes,
    )
    ax.set_axis_off()
    return ax.figure


def plot_cost(
    step_costs: Sequence[GradStepCost],
    *,
    lookup_costs: Sequence[LookupCost] = (),
    ax: Sequence[Axes] | None = None,
) -> Figure:
    """Draw time (left) and gradient / one-hot memory (right) against vocabulary size, log-log.

    >>> from embedlib.cost import gradient_step_cost
    >>> fig = plot_cost(gradient_step_cost([10, 100], embedding_dim=2, repeats=1))
    >>> [line.get_label() for line in fig.axes[1].lines]
    ['dense weight.grad', 'sparse weight.grad']
    """
    if len(step_costs) == 0:
        raise ValueError("step_costs is empty: pass the result of gradient_step_cost()")
    time_ax, memory_ax = _new_axes(ax, ncols=2, figsize=(7, 3), layout=None)
    if ax is None:
        time_ax.figure.subplots_adjust(left=0.09, right=0.98, bottom=0.16, top=0.9, wspace=0.3)
    vocab = [c.num_embeddings for c in step_costs]
    ms = {
        "dense step": [c.dense_seconds * 1e3 for c in step_costs],
        "sparse step": [c.sparse_seconds * 1e3 for c in step_costs],
    }
    nbytes = {
        "dense weight.grad": [c.dense_grad_bytes for c in step_costs],
        "sparse weight.grad": [c.sparse_grad_bytes for c in step_costs],
    }
    for (label, values), style in zip(
        [*ms.items(), *nbytes.items()], ["o-", "s-"] * 2, strict=True
    ):
        (time_ax if label in ms else memory_ax).loglog(vocab, values, style, label=label)
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
        axis.legend(fontsize=7)
    return time_ax.figure
