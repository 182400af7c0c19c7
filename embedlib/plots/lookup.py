"""The lookup diagram: ids on the left, the table with the looked-up rows lit, the output rows.

>>> import torch
>>> fig = plot_lookup(torch.nn.Embedding(10, 3), torch.tensor([1, 4, 4]))
>>> type(fig).__name__
'Figure'
"""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import torch
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from torch import nn

from embedlib.lookup import _table_and_ids
from embedlib.plots._figure import MAX_ROWS, SMALL, check_limit, new_figure

__all__ = ["plot_lookup"]

_MAX_IDS = 32  # beyond this the arrows turn into a hairball
_MAX_DIM = 64  # columns drawn as cells
_ID_COLORS = plt.get_cmap("tab10").colors
_GAP = 2.2  # x units between the ids, the table and the output


def _draw_block(ax: Axes, values: torch.Tensor, left: float, top: float, cell_w: float,
                norm: Normalize, annotate: bool, row_h: float = 1.0) -> float:  # fmt: skip
    """Draw (rows, dim) values as coloured cells with top-left corner (left, top); return right."""
    rows, dim = values.shape
    right = left + dim * cell_w
    ax.imshow(values.numpy(), extent=(left, right, top + rows * row_h, top), cmap="RdBu_r",
              norm=norm, aspect="auto", interpolation="nearest")  # fmt: skip
    for r, c in itertools.product(range(rows), range(dim)) if annotate else ():
        v = float(values[r, c])
        color = "white" if abs(norm(v) - 0.5) > 0.3 else "black"
        ax.text(left + (c + 0.5) * cell_w, top + (r + 0.5) * row_h, f"{v:.2f}", ha="center",
                va="center", fontsize=SMALL, color=color)  # fmt: skip
    return right


def _draw_table(ax: Axes, weight: torch.Tensor, lit: list[int], left: float, top: float,
                cell_w: float, norm: Normalize, annotate: bool) -> float:  # fmt: skip
    """Draw the table, veil the rows not looked up, frame the ones that are; return its right."""
    rows = weight.shape[0]
    right = _draw_block(ax, weight, left, top, cell_w, norm, annotate)
    every = 1 if rows <= 20 else -(-rows // 10)
    for row in range(rows):
        if row % every == 0 or row in lit:
            ax.text(left - 0.1, top + row + 0.5, str(row), ha="right", va="center",
                    fontsize=SMALL, color="dimgray")  # fmt: skip
        if lit and row not in lit:
            ax.add_patch(Rectangle((left, top + row), right - left, 1, facecolor="white",
                                   alpha=0.6, edgecolor="none"))  # fmt: skip
    for i, row in enumerate(sorted(set(lit))):  # one colour per id, as its arrows
        ax.add_patch(Rectangle((left, top + row), right - left, 1, fill=False, linewidth=1.8,
                               edgecolor=_ID_COLORS[i % len(_ID_COLORS)]))  # fmt: skip
    ax.text((left + right) / 2, top - 0.4, f"weight ({rows} × {weight.shape[1]})", ha="center",
            va="bottom", fontsize=SMALL + 1)  # fmt: skip
    return right


def _draw_arrows(ax: Axes, ids: torch.Tensor, dim: int, ids_top: float, pitch: float,
                 table_top: float, xs: tuple[float, float, float, float]) -> None:  # fmt: skip
    """Label each id with its position, arrow it to its row, and its row to its output row."""
    table_left, table_right, out_left, out_right = xs
    heading = {"ha": "center", "va": "bottom", "fontsize": SMALL + 1}
    ax.text(_GAP - 0.8, ids_top - 0.4, f"ids {tuple(ids.shape)}", **heading)
    out_title = f"output {(*ids.shape, dim)}"
    ax.text((out_left + out_right) / 2, ids_top - 0.4, out_title, **heading)
    flat = ids.reshape(-1).tolist()
    colors = {row: _ID_COLORS[i % len(_ID_COLORS)] for i, row in enumerate(sorted(set(flat)))}
    positions = itertools.product(*map(range, ids.shape))  # () for a scalar
    for k, (row, pos) in enumerate(zip(flat, positions, strict=True)):
        y_in, y_row, color = ids_top + (k + 0.5) * pitch, table_top + row + 0.5, colors[row]
        label = ("x[" + ", ".join(map(str, pos)) + "]" if pos else "x") + f" = {row}"
        ax.text(_GAP, y_in, label, ha="right", va="center", color=color, fontweight="bold",
                fontsize=SMALL)  # fmt: skip
        arrow = {"arrowstyle": "->", "color": color, "linewidth": 1.0, "shrinkA": 2, "shrinkB": 2}
        ax.annotate("", xy=(table_left - 0.45, y_row), xytext=(_GAP + 0.1, y_in), arrowprops=arrow)
        ax.annotate("", xy=(out_left - 0.05, y_in), xytext=(table_right + 0.05, y_row),
                    arrowprops={**arrow, "linestyle": ":"})  # fmt: skip
        ax.add_patch(Rectangle((out_left, ids_top + k * pitch), out_right - out_left, pitch,
                               fill=False, edgecolor=color))  # fmt: skip


def plot_lookup(
    table: nn.Embedding | torch.Tensor,
    ids: torch.Tensor,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = (7.5, 3.5),
) -> Figure:
    """Draw ``weight[ids]``: each id (with its position) points at its table row, copied out.

    ``table`` is an ``nn.Embedding`` or its 2-D weight; it is read, not called (so ``max_norm``
    rewrites nothing). Small tables show their values in the cells. At most 32 ids, 200 rows
    and 64 columns.

    >>> import torch
    >>> fig = plot_lookup(torch.arange(30.0).reshape(10, 3), torch.tensor([[1, 2], [4, 2]]))
    >>> len(fig.axes[0].images)  # the table and the output rows
    2
    """
    weight, ids = _table_and_ids(table, ids)  # (num_embeddings, dim), (*)
    fix = "draw a slice of the input, e.g. ids[:8], or a smaller table"
    check_limit("the number of ids", ids.numel(), _MAX_IDS, fix)
    check_limit("the table's num_embeddings", weight.shape[0], MAX_ROWS, fix)
    check_limit("the table's embedding_dim", weight.shape[1], _MAX_DIM, fix)
    rows, dim = weight.shape
    n = ids.numel()
    outputs = weight[ids.reshape(-1)]  # (n, dim): the rows the lookup copies out
    pitch = 1.0 if rows <= 20 else min(3.0, max(1.0, 0.8 * rows / max(n, 1)))  # room per id
    height = max(rows, n * pitch)
    table_top, ids_top = (height - rows) / 2, (height - n * pitch) / 2
    cell_w = min(1.0, 6.0 / dim)
    limit = float(weight.abs().max())
    norm = Normalize(-limit or -1.0, limit or 1.0)
    if ax is None:
        fig, ax = new_figure(figsize=figsize, layout=None)
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.92 if title else 0.99)
    table_left = 2 * _GAP
    annotate = rows * dim <= 80  # write the values into the cells of a small table
    table_right = _draw_table(ax, weight, ids.reshape(-1).tolist(), table_left, table_top,
                              cell_w, norm, annotate)  # fmt: skip
    out_left = out_right = table_right + _GAP
    if n:
        out_right = _draw_block(ax, outputs, out_left, ids_top, cell_w, norm, n * dim <= 80, pitch)
    xs = (table_left, table_right, out_left, out_right)
    _draw_arrows(ax, ids, dim, ids_top, pitch, table_top, xs)
    ax.set(xlim=(-0.2, out_right + 0.2), ylim=(height + 0.2, -1.6))
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=SMALL + 2)
    return ax.figure
