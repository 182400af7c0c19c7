"""Bar chart of an embedding table's row norms, before and after a ``max_norm`` lookup."""

from __future__ import annotations

from collections.abc import Sequence, Sized

import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from embedlib._checks import check_number
from embedlib.plots._figure import MAX_ROWS, SMALL, check_limit, new_figure

__all__ = ["plot_row_norms"]

BEFORE_COLOR, AFTER_COLOR, LIMIT_COLOR = "#9aa5b1", "#1f77b4", "#d62728"


def _as_list(name: str, values: object, rows: int | None = None) -> list[float]:
    """Numbers from a 1-D tensor or a sequence: at most MAX_ROWS, and ``rows`` if given."""
    if isinstance(values, torch.Tensor) and values.dim() != 1:
        raise ValueError(f"{name} must be 1-D (one value per row), got shape {tuple(values.shape)}"
                         "; pass row_norms(weight) or a RenormResult's norms")  # fmt: skip
    if not isinstance(values, Sized) or isinstance(values, str | bytes):
        raise TypeError(f"{name} must be a 1-D tensor or a sequence of numbers, got "
                        f"{type(values).__name__}")  # fmt: skip
    check_limit(f"len({name})", len(values), MAX_ROWS, "plot a slice of the rows, e.g. [:50]")
    try:
        numbers = [float(v) for v in values]  # type: ignore[union-attr]
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must hold numbers only: {error}") from error
    if rows is not None and len(numbers) != rows:
        raise ValueError(f"{name} has {len(numbers)} rows but norms_before has {rows}; "
                         "pass one value per row of the same table")  # fmt: skip
    return numbers


def plot_row_norms(
    norms_before: torch.Tensor | Sequence[float],
    norms_after: torch.Tensor | Sequence[float] | None = None,
    *,
    max_norm: float | None = None,
    looked_up: torch.Tensor | Sequence[bool] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = (6, 3.2),
) -> Figure:
    """Return a Figure of row-norm bars, ``after`` beside ``before``, and the ``max_norm`` line.

    Looked-up rows get a triangle under their bars and a bold tick label. The bar containers are
    labelled ``"before"`` and ``"after"``, the line ``"max_norm"``, so widgets can update them.
    At most 200 rows (one bar each).

    >>> fig = plot_row_norms([2.0, 0.5], [1.0, 0.5], max_norm=1.0, looked_up=[True, False])
    >>> [c.get_label() for c in fig.axes[0].containers]
    ['before', 'after']
    >>> [float(bar.get_height()) for bar in fig.axes[0].containers[1]]
    [1.0, 0.5]
    """
    before = _as_list("norms_before", norms_before)
    rows = list(range(len(before)))
    after = None if norms_after is None else _as_list("norms_after", norms_after, len(rows))
    marked = None if looked_up is None else _as_list("looked_up", looked_up, len(rows))
    if max_norm is not None:
        check_number(max_norm, "max_norm", low=0, strict=True)
    if ax is None:
        fig, ax = new_figure(figsize=figsize, layout=None)
        fig.subplots_adjust(left=0.1, right=0.98, bottom=0.16, top=0.8)  # fixed: cheap to redraw
    width = 0.8 if after is None else 0.4
    shift = 0.0 if after is None else width / 2
    ax.bar([r - shift for r in rows], before, width=width, color=BEFORE_COLOR, label="before")
    if after is not None:
        ax.bar([r + shift for r in rows], after, width=width, color=AFTER_COLOR, label="after")
    if max_norm is not None:
        ax.axhline(max_norm, color=LIMIT_COLOR, linestyle="--", linewidth=1.2, label="max_norm")
    ax.set_xticks(rows, [str(r) for r in rows])
    if marked is not None:
        looked = [r for r in rows if marked[r]]
        ax.plot(looked, [0.0] * len(looked), ls="none", marker="^", ms=7, color="black",
                clip_on=False, label="looked up")  # fmt: skip
        for tick, bold in zip(ax.get_xticklabels(), marked, strict=True):
            tick.set_fontweight("bold" if bold else "normal")
    ax.set_ylim(0, 1.1 * max([*before, *(after or []), max_norm or 0.0, 1e-6]))
    ax.set(xlabel="row (id)", ylabel="row norm")
    ax.set_title(title, pad=24)  # above the legend, which sits above the bars: never on them
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=SMALL, ncols=4, frameon=False)
    return ax.figure
