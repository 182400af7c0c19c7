"""Bar chart of an embedding table's row norms, before and after a ``max_norm`` lookup."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from embedlib.plots._figure import new_figure

__all__ = ["plot_row_norms"]

BEFORE_COLOR = "#9aa5b1"
AFTER_COLOR = "#1f77b4"
LIMIT_COLOR = "#d62728"


def _as_list(name: str, values: torch.Tensor | Sequence[float]) -> list[float]:
    if isinstance(values, torch.Tensor):
        if values.dim() != 1:
            raise ValueError(
                f"{name} must be 1-D (one norm per row), got shape {tuple(values.shape)}; "
                "pass row_norms(weight) or a RenormResult's norms"
            )
        return [float(v) for v in values.detach().cpu()]
    try:
        return [float(v) for v in values]
    except TypeError as error:
        raise TypeError(
            f"{name} must be a 1-D tensor or a sequence of numbers, got {type(values).__name__}"
        ) from error


def _draw_bars(
    ax: Axes,
    before: list[float],
    after: list[float] | None,
    max_norm: float | None,
    marked: list[bool] | None,
    title: str | None,
) -> None:
    n_rows = len(before)
    rows = list(range(n_rows))
    width = 0.4 if after is not None else 0.8
    offset = width / 2 if after is not None else 0.0
    ax.bar([r - offset for r in rows], before, width=width, color=BEFORE_COLOR, label="before")
    if after is not None:
        ax.bar([r + offset for r in rows], after, width=width, color=AFTER_COLOR, label="after")
    if max_norm is not None:
        ax.axhline(max_norm, color=LIMIT_COLOR, linestyle="--", linewidth=1.2, label="max_norm")
    ax.set_xticks(rows)
    ax.set_xticklabels([str(r) for r in rows])
    if marked is not None:
        looked = [r for r in rows if marked[r]]
        ax.plot(
            looked,
            [0.0] * len(looked),
            linestyle="none",
            marker="^",
            markersize=7,
            color="black",
            clip_on=False,
            label="looked up",
        )
        for tick, is_marked in zip(ax.get_xticklabels(), marked, strict=True):
            tick.set_fontweight("bold" if is_marked else "normal")
    top = max([*before, *(after or []), max_norm or 0.0, 1e-6])
    ax.set_ylim(0, top * 1.45)  # headroom for the one-row legend
    ax.set_xlabel("row (id)")
    ax.set_ylabel("row norm")
    if title is not None:
        ax.set_title(title)
    ax.legend(loc="upper right", fontsize="small", ncols=4)


def plot_row_norms(
    norms_before: torch.Tensor | Sequence[float],
    norms_after: torch.Tensor | Sequence[float] | None = None,
    *,
    max_norm: float | None = None,
    looked_up: torch.Tensor | Sequence[bool] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = (6, 3),
    dpi: int = 80,
) -> Figure:
    """Return a Figure of row-norm bars, ``after`` beside ``before``, and the ``max_norm`` line.

    Looked-up rows get a triangle under their bars and a bold tick label. The bar containers are
    labelled ``"before"`` and ``"after"``, the line ``"max_norm"``, so widgets can update them.
    ``figsize`` and ``dpi`` apply only when the function creates the figure (``ax`` is None).

    >>> fig = plot_row_norms([2.0, 0.5], [1.0, 0.5], max_norm=1.0, looked_up=[True, False])
    >>> [c.get_label() for c in fig.axes[0].containers]
    ['before', 'after']
    >>> [float(bar.get_height()) for bar in fig.axes[0].containers[1]]
    [1.0, 0.5]
    """
    before = _as_list("norms_before", norms_before)
    n_rows = len(before)
    after = None if norms_after is None else _as_list("norms_after", norms_after)
    if after is not None and len(after) != n_rows:
        raise ValueError(
            f"norms_after has {len(after)} rows but norms_before has {n_rows}; "
            "pass norms of the same table"
        )
    marked = None
    if looked_up is not None:
        marked = [
            bool(v) for v in (looked_up.tolist() if torch.is_tensor(looked_up) else looked_up)
        ]
        if len(marked) != n_rows:
            raise ValueError(
                f"looked_up has {len(marked)} entries but there are {n_rows} rows; "
                "pass one bool per row (RenormResult.looked_up)"
            )
    if max_norm is not None and not max_norm > 0:
        raise ValueError(f"max_norm must be > 0 to draw its line, got {max_norm}")

    if ax is None:
        fig, ax = new_figure(figsize=figsize, dpi=dpi, layout=None)
        # fixed margins: a layout engine would double the render time of every frame
        fig.subplots_adjust(left=0.1, right=0.98, bottom=0.17, top=0.9)
    _draw_bars(ax, before, after, max_norm, marked, title)
    return ax.figure
