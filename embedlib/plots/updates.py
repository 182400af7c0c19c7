"""What an optimizer does to the table, from a trace: which rows were looked up, which moved.

Convention in every panel: a black marker on the left of a row means "looked up in this step";
an orange marker on the right means "changed in this step". Orange without black is the
interesting case: a row that moved without a gradient (momentum, Adam state, weight decay).

``plot_update_trace`` shows a whole run. The step figure (``_step_figure``, redrawn in place by
``_show_step``) is the picture of the step-through widgets.
"""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from embedlib._checks import check_count
from embedlib.plots._figure import MAX_ROWS, SMALL, check_limit, new_figure, rows_text
from embedlib.trace import RefusedCombination, UpdateTrace

__all__ = ["plot_update_trace"]

BATCH_COLOR, CHANGED_COLOR = "black", "tab:orange"
_MAX_STEPS, _MAX_DIM = 200, 64


def _check(trace: object) -> UpdateTrace:
    if not isinstance(trace, UpdateTrace):
        raise TypeError(f"trace must be an UpdateTrace from trace_updates, got "
                        f"{type(trace).__name__}")  # fmt: skip
    rows, dim = trace.initial_weight.shape
    fix = "trace fewer steps or a smaller table"
    check_limit("the trace's number of steps", len(trace.steps), _MAX_STEPS, fix)
    check_limit("the table's num_embeddings", rows, MAX_ROWS, fix)
    check_limit("the table's embedding_dim", dim, _MAX_DIM, fix)
    return trace


def plot_update_trace(trace: UpdateTrace, *, ax: Axes | None = None) -> Figure:
    """Draw rows x steps: colour = how far the row moved (blank = unchanged), dots = looked up.

    >>> import torch
    >>> from embedlib.trace import trace_updates
    >>> trace = trace_updates([[1], [2]], torch.optim.SGD, num_embeddings=4, embedding_dim=2)
    >>> fig = plot_update_trace(trace)
    >>> int(fig.axes[0].images[0].get_array().count())  # cells that changed
    2
    """
    _check(trace)
    change = trace.changes().norm(dim=2).T.numpy()  # (rows, steps): how far each row moved
    changed = trace.changed_matrix().T.numpy()
    if ax is None:
        _fig, ax = new_figure(figsize=(6, 3.6))
    image = ax.imshow(np.ma.masked_where(~changed, change), cmap="viridis", aspect="auto")
    ax.figure.colorbar(image, ax=ax, label="|row change|")
    for step, record in enumerate(trace.steps):
        rows = record.batch.flatten().unique().numpy()
        ax.scatter(np.full(len(rows), step), rows, s=14, c="white", edgecolors=BATCH_COLOR)
    ax.set_xticks(range(0, len(trace.steps), 1 + len(trace.steps) // 20))
    ax.set(xlabel="step", ylabel="row (id)")
    ax.set_title(f"{trace.label}\nrow change per step (blank: unchanged)", fontsize=SMALL)
    looked_up = Line2D([], [], ls="", marker="o", mfc="white", mec=BATCH_COLOR)
    ax.legend([looked_up], ["looked up in that step"], loc="upper center", fontsize=SMALL,
              frameon=False, bbox_to_anchor=(0.5, -0.2))  # fmt: skip
    return ax.figure


def _step_figure(rows: int, dim: int) -> Figure:
    """The figure the step-through widgets redraw: the change heatmap and per-row change bars."""
    rows, dim = (
        check_count(rows, "num_embeddings", high=MAX_ROWS),
        check_count(dim, "embedding_dim", high=_MAX_DIM),
    )
    fig, (heat_ax, bar_ax) = new_figure(ncols=2, figsize=(7, 3.8), layout=None)
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.31, top=0.81, wspace=0.1)  # fixed: cheap
    heat_ax.imshow(np.zeros((rows, dim)), cmap="RdBu_r", aspect="auto", interpolation="nearest")
    for marker, color in ((">", BATCH_COLOR), ("<", CHANGED_COLOR)):
        heat_ax.scatter([], [], marker=marker, c=color, s=30, clip_on=False)
    heat_ax.set(xlim=(-1.0, dim), xticks=range(dim), xlabel="dimension", ylabel="row (id)")
    for color in (BATCH_COLOR, CHANGED_COLOR):  # one Line2D per colour: cheap to redraw live
        bar_ax.plot([], [], color=color, lw=max(1.0, 70 / rows), solid_capstyle="butt")
    # A fixed scale (relative to the run's largest change) keeps the axes still between steps,
    # so a live widget redraws only the data; the largest change is in the title.
    bar_ax.set(ylim=(rows - 0.5, -0.5), xlim=(0, 1.05), xlabel="|row change| / largest",
               yticks=[])  # fmt: skip
    keys = [
        Line2D([], [], ls="", marker=m, color=c)
        for m, c in ((">", BATCH_COLOR), ("<", CHANGED_COLOR))
    ]
    keys += [Line2D([], [], color=c, lw=4) for c in (BATCH_COLOR, CHANGED_COLOR)]
    labels = ["looked up this step", "changed this step", "bar: a looked-up row",
              "bar: moved without a gradient"]  # fmt: skip
    fig.legend(keys, labels, loc="lower center", ncol=2, fontsize=SMALL, frameon=False)
    # fig.texts[0], before any suptitle: PyTorch's refusal, when there is one
    fig.text(0.5, 0.5, "", ha="center", va="center", fontsize=SMALL + 1, color="darkred")
    return fig


def _show_step(fig: Figure, trace: UpdateTrace, step: int) -> str:
    """Redraw a ``_step_figure`` in place for one step of a trace; return its alt text."""
    _check(trace)
    if not 0 <= step < len(trace.steps):
        raise ValueError(f"step must be in 0..{len(trace.steps) - 1}, got {step}")
    deltas = trace.changes()  # (steps, rows, dim)
    delta = deltas[step].numpy()  # (rows, dim)
    record = trace.steps[step]
    rows, dim = delta.shape
    batch = np.zeros(rows, dtype=bool)
    batch[record.batch.flatten().numpy()] = True
    changed = record.changed_rows.numpy()
    heat_ax, bar_ax = fig.axes[0], fig.axes[1]
    if heat_ax.images[0].get_array().shape != delta.shape:
        raise ValueError("the figure was drawn for a table of another shape; make a new one")
    for artist in (*fig.axes, *fig.legends):
        artist.set_visible(True)
    fig.texts[0].set_text("")
    largest = float(deltas.abs().max()) or 1.0  # one colour scale for every step: frames compare
    heat_ax.images[0].set_data(delta)
    heat_ax.images[0].set_clim(-largest, largest)
    ys = np.arange(rows)
    heat_ax.collections[0].set_offsets(np.column_stack([np.full(batch.sum(), -0.9), ys[batch]]))
    heat_ax.collections[1].set_offsets(
        np.column_stack([np.full(changed.sum(), dim - 0.1), ys[changed]])
    )
    heat_ax.set_title(f"change in step {step}", fontsize=SMALL + 1)
    largest_row = float(deltas.norm(dim=2).max()) or 1.0
    norms = np.linalg.norm(delta, axis=1) / largest_row
    for line, rows_in in zip(bar_ax.lines, (batch, ~batch), strict=True):
        y, x, gap = ys[rows_in], norms[rows_in], np.full(rows_in.sum(), np.nan)
        line.set_data(
            np.column_stack([0 * x, x, gap]).ravel(), np.column_stack([y, y, gap]).ravel()
        )
    fig.suptitle(f"{trace.label}: largest row change {largest_row:.3g}", fontsize=SMALL + 1)
    return (f"Step {step} of {trace.label}: heatmap of how each of the {rows} rows "
            f"changed, and bars of each row's change. Looked up: rows {rows_text(batch)}. Changed: "
            f"rows {rows_text(changed)}. Moved without being looked up: rows "
            f"{rows_text(changed & ~batch)}.")  # fmt: skip


def _show_refusal(fig: Figure, refused: RefusedCombination) -> str:
    """Hide a ``_step_figure``'s panels and write PyTorch's refusal instead; return alt text."""
    message = f"{refused.error_type}: {refused.message}"
    for artist in (*fig.axes, *fig.legends):
        artist.set_visible(False)
    fig.suptitle("")
    fig.texts[0].set_text(f"PyTorch refused {refused.label}:\n" + textwrap.fill(message, 70))
    return f"PyTorch refused {refused.label}. {message}"
