"""The lookup diagram: ids on the left, the table with the looked-up rows lit, the output rows.

>>> import torch
>>> from embedlib.lookup import trace_lookup
>>> fig = plot_lookup(trace_lookup(torch.nn.Embedding(10, 3), torch.tensor([1, 4, 4])))
>>> type(fig).__name__
'Figure'
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import matplotlib.pyplot as plt
import torch
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from embedlib.lookup import LookupTrace
from embedlib.plots._figure import new_figure

__all__ = ["plot_lookup", "plot_table"]

_STYLE_DEFAULTS: dict[str, Any] = {
    "figsize": (8, 3.5),
    "dpi": 80,
    "cmap": "RdBu_r",
    "annotate": None,  # None: write the numbers in the cells when the table is small
    "title": None,
    "fontsize": 7,
}
_MAX_IDS = 32  # beyond this the arrows turn into a hairball
_ID_COLORS = plt.get_cmap("tab10").colors


def _style(style: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(style) - set(_STYLE_DEFAULTS))
    if unknown:
        raise TypeError(f"unknown style option(s) {unknown}; valid: {sorted(_STYLE_DEFAULTS)}")
    return {**_STYLE_DEFAULTS, **style}


def _new_axes(ax: Axes | None, s: dict[str, Any]) -> Axes:
    if ax is not None:
        return ax
    fig, ax = new_figure(figsize=s["figsize"], dpi=s["dpi"], layout=None)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.93 if s["title"] else 0.99)
    return ax


def _box(ax: Axes, left: float, top: float, width: float, height: float = 1, **style: Any) -> None:
    """Add a row-high rectangle (a frame, or a veil when filled)."""
    ax.add_patch(Rectangle((left, top), width, height, **style))


def _draw_block(ax, values, left, top, cell_w, norm, s, annotate, row_h=1.0) -> None:
    """Draw a (rows, dim) block of values as colored cells whose top-left corner is (left, top)."""
    rows, dim = values.shape
    extent = (left, left + dim * cell_w, top + rows * row_h, top)  # y grows downwards
    image = {"cmap": s["cmap"], "norm": norm, "aspect": "auto", "interpolation": "nearest"}
    ax.imshow(values.numpy(), extent=extent, **image)
    if not annotate:
        return
    for r, c in itertools.product(range(rows), range(dim)):
        v = float(values[r, c])
        color = "white" if abs(norm(v) - 0.5) > 0.3 else "black"
        x, y = left + (c + 0.5) * cell_w, top + (r + 0.5) * row_h
        ax.text(x, y, f"{v:.2f}", ha="center", va="center", fontsize=s["fontsize"] - 1, color=color)


def _draw_table(ax, weight, highlight_rows, left, top, cell_w, norm, s) -> tuple[float, float]:
    """Draw the table, dim the rows not looked up, frame the ones that are; return (left, right)."""
    num_embeddings, dim = weight.shape
    annotate = s["annotate"] if s["annotate"] is not None else num_embeddings * dim <= 80
    _draw_block(ax, weight, left, top, cell_w, norm, s, annotate)
    right = left + dim * cell_w
    label_every = 1 if num_embeddings <= 20 else -(-num_embeddings // 10)
    row_label = {"ha": "right", "va": "center", "fontsize": s["fontsize"], "color": "dimgray"}
    for row in range(num_embeddings):
        if row % label_every == 0 or row in highlight_rows:
            ax.text(left - 0.1, top + row + 0.5, str(row), **row_label)
        if highlight_rows and row not in highlight_rows:  # veil the rows nobody asked for
            _box(ax, left, top + row, right - left, facecolor="white", alpha=0.6, edgecolor="none")
    for i, row in enumerate(sorted(highlight_rows)):
        color = _ID_COLORS[i % len(_ID_COLORS)]
        _box(ax, left, top + row, right - left, fill=False, linewidth=1.8, edgecolor=color)
    title = f"weight ({num_embeddings} × {dim})"
    ax.text(
        (left + right) / 2, top - 0.4, title, ha="center", va="bottom", fontsize=s["fontsize"] + 1
    )
    return left, right


def _finish(ax: Axes, width: float, height: float, s: dict[str, Any]) -> None:
    ax.set_xlim(-0.2, width)
    ax.set_ylim(height + 0.2, -1.6)
    ax.axis("off")
    if s["title"]:
        ax.set_title(s["title"], fontsize=s["fontsize"] + 2)


def _position_label(index: tuple[int, ...]) -> str:
    return "x[" + ", ".join(map(str, index)) + "]" if index else "x"


def plot_lookup(trace: LookupTrace, *, ax: Axes | None = None, **style: Any) -> Figure:
    """Draw a lookup: each id (with its position) points at its table row, which is copied out.

    Style options: figsize, dpi, cmap, annotate (write values in cells), title, fontsize.
    A figure created here is closed in pyplot before it is returned, so in a notebook it shows
    exactly once, as the cell's value (``fig.savefig`` and widgets still work).

    >>> import torch
    >>> from embedlib.lookup import trace_lookup
    >>> trace = trace_lookup(torch.arange(30.0).reshape(10, 3), torch.tensor([[1, 2], [4, 2]]))
    >>> fig = plot_lookup(trace, title="2-D input")
    >>> len(fig.axes[0].images)  # the table and the output rows
    2
    """
    if not isinstance(trace, LookupTrace):
        raise TypeError(
            f"trace must be a LookupTrace, got {type(trace).__name__}; "
            "make one with embedlib.trace_lookup(embedding, ids)"
        )
    s = _style(style)
    n = trace.ids.numel()
    if n > _MAX_IDS:
        raise ValueError(
            f"trace has {n} ids, too many to draw one arrow each (at most {_MAX_IDS}); "
            f"trace a slice of the input, e.g. ids[:8]"
        )
    ax = _new_axes(ax, s)
    _draw_lookup(ax, trace, s)
    return ax.figure


def _draw_lookup(ax: Axes, trace: LookupTrace, s: dict[str, Any]) -> None:
    """Ids on the left, the table in the middle, output rows on the right, arrows between."""
    weight = trace.weight.float().cpu()
    num_embeddings, dim = weight.shape
    n = trace.ids.numel()
    flat_ids = trace.ids.reshape(-1).tolist()
    positions = list(itertools.product(*map(range, trace.ids.shape)))  # () for a scalar
    outputs = trace.output.detach().reshape(n, dim).float().cpu()  # (n, dim)
    # a tall table would squeeze the ids and output rows: give each id more room there
    pitch = 1.0 if num_embeddings <= 20 else min(3.0, max(1.0, 0.8 * num_embeddings / max(n, 1)))
    height = max(num_embeddings, n * pitch)
    table_top, ids_top = (height - num_embeddings) / 2, (height - n * pitch) / 2
    cell_w = min(1.0, 6.0 / dim) if dim else 1.0
    limit = float(weight.abs().max()) if weight.numel() else 1.0
    norm = Normalize(-limit or -1.0, limit or 1.0)

    id_right = 2.2
    table_left = id_right + 2.2
    _, table_right = _draw_table(ax, weight, set(flat_ids), table_left, table_top, cell_w, norm, s)
    out_left = table_right + 2.2
    if n:
        annotate = s["annotate"] if s["annotate"] is not None else n * dim <= 80
        _draw_block(ax, outputs, out_left, ids_top, cell_w, norm, s, annotate, row_h=pitch)
    out_right = out_left + dim * cell_w
    color_of = {row: _ID_COLORS[i % len(_ID_COLORS)] for i, row in enumerate(sorted(set(flat_ids)))}
    for k, (row, pos) in enumerate(zip(flat_ids, positions, strict=True)):
        y_in, y_row, color = ids_top + (k + 0.5) * pitch, table_top + row + 0.5, color_of[row]
        label = f"{_position_label(pos)} = {row}"
        ax.text(id_right, y_in, label, ha="right", va="center", color=color, fontweight="bold",
                fontsize=s["fontsize"])  # fmt: skip
        arrow = {"arrowstyle": "->", "color": color, "linewidth": 1.0, "shrinkA": 2, "shrinkB": 2}
        ax.annotate("", xy=(table_left - 0.45, y_row), xytext=(id_right + 0.1, y_in),
                    arrowprops=arrow)  # fmt: skip
        ax.annotate("", xy=(out_left - 0.05, y_in), xytext=(table_right + 0.05, y_row),
                    arrowprops={**arrow, "linestyle": ":"})  # fmt: skip
        _box(
            ax,
            out_left,
            ids_top + k * pitch,
            out_right - out_left,
            pitch,
            fill=False,
            edgecolor=color,
        )
    heading = {"ha": "center", "va": "bottom", "fontsize": s["fontsize"] + 1}
    ax.text(id_right - 0.8, ids_top - 0.4, f"ids {tuple(trace.ids.shape)}", **heading)
    out_title = f"output {tuple(trace.output.shape)}"
    ax.text((out_left + out_right) / 2, ids_top - 0.4, out_title, **heading)
    _finish(ax, out_right + 0.2, height, s)


def plot_table(
    weight: torch.Tensor,
    *,
    highlight_rows: Iterable[int] = (),
    ax: Axes | None = None,
    **style: Any,
) -> Figure:
    """Draw an embedding table as a heatmap (row numbers on the left), framing ``highlight_rows``.

    Style options: figsize, dpi, cmap, annotate (write values in cells), title, fontsize.

    >>> import torch
    >>> fig = plot_table(torch.randn(10, 3), highlight_rows=[1, 4], figsize=(3, 3.5))
    >>> len(fig.axes[0].patches)  # 8 rows dimmed, 2 rows framed
    10
    """
    if isinstance(weight, torch.nn.Module):
        weight = getattr(weight, "weight", weight)
    if not isinstance(weight, torch.Tensor) or weight.dim() != 2:
        raise ValueError(
            "weight must be a 2-D tensor (num_embeddings, embedding_dim), e.g. emb.weight, "
            f"got {getattr(weight, 'shape', type(weight).__name__)}"
        )
    weight = weight.detach().float().cpu()
    rows = {int(r) for r in highlight_rows}
    bad = sorted(r for r in rows if not 0 <= r < weight.shape[0])
    if bad:
        raise ValueError(
            f"highlight_rows {bad} are outside the table's rows 0..{weight.shape[0] - 1}"
        )
    s = _style({"figsize": (3, 3.5), **style})
    limit = float(weight.abs().max()) if weight.numel() else 1.0
    norm = Normalize(-limit or -1.0, limit or 1.0)
    cell_w = min(1.0, 6.0 / weight.shape[1]) if weight.shape[1] else 1.0
    ax = _new_axes(ax, s)
    _, right = _draw_table(ax, weight, rows, 0.6, 0.0, cell_w, norm, s)
    _finish(ax, right + 0.2, weight.shape[0], s)
    return ax.figure
