"""Explore ``max_norm`` and ``norm_type``: row-norm bars before and after one lookup.

Both forms draw one figure the same way (``_bars``): ``max_norm_explorer`` redraws it live as
its controls move; ``max_norm_frames`` renders it once per setting for the website.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from embedlib._checks import check_table
from embedlib.norms import RenormResult, renorm_preview
from embedlib.plots._figure import MAX_ROWS, check_items, check_limit, rows_text
from embedlib.plots.norms import plot_row_norms
from embedlib.widgets.blit import BlitRenderer
from embedlib.widgets.frames import frame_html, kernel_free
from embedlib.widgets.live import LiveFigure

__all__ = ["max_norm_explorer", "max_norm_frames"]

_NORM_TYPES = {1.0: "1 (L1)", 2.0: "2 (L2)", math.inf: "inf (max |x|)"}


def _demo_table(weight: torch.Tensor | None, ids: torch.Tensor | None):
    """The default 8x4 N(0, 1) table (own generator, global RNG untouched) and ids [1, 3, 3, 6]."""
    if weight is None:
        weight = torch.randn(8, 4, generator=torch.Generator().manual_seed(0))  # (8, 4)
    check_limit(
        "weight's num_embeddings", check_table(weight).shape[0], MAX_ROWS, "pass fewer rows"
    )
    if ids is None:
        ids = torch.tensor([1, 3, 3, 6])
    return weight.detach(), ids


def _bars(
    first: RenormResult,
    weight: torch.Tensor,
    norm_types: Sequence[float],
    max_norms: Sequence[float],
) -> tuple[Figure, Callable[[RenormResult], str]]:
    """The bar figure of one result, and a function that redraws it for another (returns alt).

    One y-limit fits every setting, so pictures compare."""
    fig = plot_row_norms(first.norms_before, first.norms_after, max_norm=first.max_norm,
                         looked_up=first.looked_up)  # fmt: skip
    ax = fig.axes[0]
    norms = [torch.linalg.vector_norm(weight, ord=p, dim=1).max() for p in norm_types]
    tallest = max(*(float(n) for n in norms), *max_norms)
    ax.set_ylim(0, 1.1 * tallest)
    before_bars, after_bars = ax.containers
    (limit,) = [line for line in ax.lines if line.get_label() == "max_norm"]

    def show(result: RenormResult) -> str:
        for bars, heights in ((before_bars, result.norms_before), (after_bars, result.norms_after)):
            for bar, height in zip(bars, heights.tolist(), strict=True):
                bar.set_height(height)
        limit.set_ydata([result.max_norm, result.max_norm])
        p = "inf" if math.isinf(result.norm_type) else f"{result.norm_type:g}"
        done, looked = int(result.renormalised.sum()), int(result.looked_up.sum())
        ax.title.set_text(f"{done} of {looked} looked-up rows renormalised (L{p}, "
                     f"max_norm {result.max_norm:g})")  # fmt: skip
        return (f"Bar chart of the L{p} norm of each of the {len(before_bars)} rows before and "
                f"after one lookup with max_norm={result.max_norm:g}. Looked up: rows "
                f"{rows_text(result.looked_up)}. Scaled down to {result.max_norm:g}: rows "
                f"{rows_text(result.renormalised)}.")  # fmt: skip

    return fig, show


def max_norm_explorer(
    weight: torch.Tensor | None = None,
    ids: torch.Tensor | None = None,
    *,
    max_norm: float = 1.0,
    norm_type: float = 2.0,
) -> LiveFigure:
    """Return a live explorer: a ``max_norm`` slider and a ``norm_type`` dropdown over row norms.

    Needs a running kernel (every change recomputes ``renorm_preview``). ``weight`` defaults to a
    seeded 8x4 N(0, 1) table and ``ids`` to ``[1, 3, 3, 6]``. End a cell with it to show it.

    >>> explorer = max_norm_explorer()
    >>> after = explorer.figure.axes[0].containers[1]
    >>> before = [bar.get_height() for bar in after]
    >>> explorer.controls["max_norm"].value = 0.5
    >>> [bar.get_height() for bar in after] != before
    True
    """
    weight, ids = _demo_table(weight, ids)
    first = renorm_preview(weight, ids, max_norm, norm_type)  # validates every argument
    if first.norm_type not in _NORM_TYPES:
        raise ValueError(f"norm_type must be one of {list(_NORM_TYPES)} for the dropdown, "
                         f"got {norm_type}")  # fmt: skip
    fig, show = _bars(first, weight, list(_NORM_TYPES), [max_norm])
    top = fig.axes[0].get_ylim()[1]
    controls = {
        "max_norm": widgets.FloatSlider(
            value=max_norm, min=0.1, max=round(top, 1), step=0.1, continuous_update=False
        ),
        "norm_type": widgets.Dropdown(
            options=[(label, p) for p, label in _NORM_TYPES.items()], value=first.norm_type
        ),
    }
    m, p = controls["max_norm"], controls["norm_type"]
    return LiveFigure(fig, controls, lambda: show(renorm_preview(weight, ids, m.value, p.value)))


def max_norm_frames(
    weight: torch.Tensor | None = None,
    ids: torch.Tensor | None = None,
    *,
    max_norms: Sequence[float] = (0.5, 1.0, 2.0),
    norm_types: Sequence[float] = (1.0, 2.0),
) -> widgets.VBox:
    """Return the kernel-free explorer: a ``norm_type`` dropdown and a ``max_norm`` slider
    switching precomputed pictures in the browser.

    >>> frames = max_norm_frames(max_norms=(0.5, 1.0), norm_types=(2.0,))
    >>> slider = frames.children[0].children[0]
    >>> slider.description, slider.options
    ('max_norm', ('0.5', '1'))
    """
    weight, ids = _demo_table(weight, ids)
    check_items(max_norms, "max_norms", (int, float), "(0.5, 1.0)")
    check_items(norm_types, "norm_types", (int, float), "(1.0, 2.0)")
    results = [[renorm_preview(weight, ids, m, p) for m in max_norms] for p in norm_types]
    fig, show = _bars(results[0][0], weight, norm_types, max_norms)
    renderer = BlitRenderer(fig)
    frames: dict[str, list[str]] = {}
    for p, column in zip(norm_types, results, strict=True):
        for result in column:
            alt = show(result)  # redraw, then render
            frame = frame_html(renderer.render(palette=True), alt)
            frames.setdefault(_NORM_TYPES.get(p, f"{p:g}"), []).append(frame)
    return kernel_free(frames, choose="norm_type", slide="max_norm",
                       positions=[f"{m:g}" for m in max_norms])  # fmt: skip
