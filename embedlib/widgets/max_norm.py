"""Explore ``max_norm`` and ``norm_type``: row-norm bars before and after one lookup.

Two forms: ``max_norm_explorer`` (live, needs a kernel: a slider and a dropdown redraw the bars)
and ``max_norm_frames`` (kernel-free: precomputed frames switched by a dropdown in the browser).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from embedlib.norms import renorm_preview, row_norms
from embedlib.plots.norms import plot_row_norms
from embedlib.widgets.frames import LiveView, frame_selector

__all__ = [
    "NORM_TYPE_CHOICES",
    "MaxNormExplorer",
    "max_norm_explorer",
    "max_norm_figures",
    "max_norm_frames",
]

NORM_TYPE_CHOICES = (("1 (L1)", 1.0), ("2 (L2)", 2.0), ("inf (max |x|)", math.inf))


def _demo_table(weight: torch.Tensor | None, ids: torch.Tensor | None):
    """The default 8x4 N(0, 1) table (own generator, global RNG untouched) and ids [1, 3, 3, 6]."""
    if weight is None:
        weight = torch.randn(8, 4, generator=torch.Generator().manual_seed(0))  # (8, 4)
    if ids is None:
        ids = torch.tensor([1, 3, 3, 6])
    return weight.detach(), ids


def _y_top(weight: torch.Tensor, norm_types: Sequence[float], max_norms: Sequence[float]) -> float:
    """One y-limit for every frame, so bars are comparable across norm types."""
    tallest = max(float(row_norms(weight, p).max()) for p in norm_types)
    return 1.45 * max(tallest, *max_norms)  # headroom for the legend


def _label_norm(norm_type: float) -> str:
    return "inf" if math.isinf(norm_type) else f"{norm_type:g}"


@dataclass(frozen=True)
class MaxNormExplorer:
    """The live explorer: its widget, its two controls and the figure they redraw.

    Displaying the object displays ``widget``.

    >>> explorer = max_norm_explorer(max_norm=1.0)
    >>> explorer.max_norm.value, explorer.norm_type.description
    (1.0, 'norm_type')
    """

    widget: widgets.VBox
    max_norm: widgets.FloatSlider
    norm_type: widgets.Dropdown
    figure: Figure
    view: LiveView

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def max_norm_explorer(
    weight: torch.Tensor | None = None,
    ids: torch.Tensor | None = None,
    *,
    max_norm: float = 1.0,
    norm_type: float = 2.0,
    dpi: int = 72,
) -> MaxNormExplorer:
    """Return a live explorer: a ``max_norm`` slider and ``norm_type`` dropdown over row-norm bars.

    Needs a running kernel (every change recomputes ``renorm_preview`` and re-renders).
    ``weight`` defaults to a seeded 8x4 N(0, 1) table and ``ids`` to ``[1, 3, 3, 6]``.

    >>> explorer = max_norm_explorer()
    >>> after = explorer.figure.axes[0].containers[1]
    >>> before = [bar.get_height() for bar in after]
    >>> explorer.max_norm.value = 0.5
    >>> [bar.get_height() for bar in after] != before
    True
    """
    weight, ids = _demo_table(weight, ids)
    first = renorm_preview(weight, ids, max_norm, norm_type)  # validates every argument
    choices = dict((value, label) for label, value in NORM_TYPE_CHOICES)
    if first.norm_type not in choices:
        raise ValueError(
            f"norm_type must be one of {[v for _, v in NORM_TYPE_CHOICES]} for the dropdown, "
            f"got {norm_type}"
        )
    top = _y_top(weight, [v for _, v in NORM_TYPE_CHOICES], [max_norm])
    slider = widgets.FloatSlider(
        value=max_norm,
        min=0.1,
        max=round(top, 1),
        step=0.1,
        description="max_norm",
        continuous_update=False,
    )
    dropdown = widgets.Dropdown(
        options=NORM_TYPE_CHOICES, value=first.norm_type, description="norm_type"
    )
    fig = plot_row_norms(
        first.norms_before, first.norms_after, max_norm=max_norm, looked_up=first.looked_up
    )
    ax = fig.axes[0]
    ax.set_ylim(0, top)
    before_bars, after_bars = ax.containers
    (limit_line,) = [line for line in ax.lines if line.get_label() == "max_norm"]

    def update() -> None:
        result = renorm_preview(weight, ids, slider.value, dropdown.value)
        for bar, height in zip(before_bars, result.norms_before.tolist(), strict=True):
            bar.set_height(height)
        for bar, height in zip(after_bars, result.norms_after.tolist(), strict=True):
            bar.set_height(height)
        limit_line.set_ydata([result.max_norm, result.max_norm])
        ax.set_title(
            f"{int(result.renormalised.sum())} of {int(result.looked_up.sum())} looked-up rows "
            f"renormalised (L{_label_norm(result.norm_type)})",
            fontsize="medium",
        )

    view = LiveView(fig, [slider, dropdown], update, dpi=dpi)
    return MaxNormExplorer(
        widget=view.widget, max_norm=slider, norm_type=dropdown, figure=fig, view=view
    )


def max_norm_figures(
    weight: torch.Tensor | None = None,
    ids: torch.Tensor | None = None,
    *,
    max_norms: Sequence[float] = (0.5, 1.0, 2.0),
    norm_types: Sequence[float] = (1.0, 2.0),
) -> dict[str, Figure]:
    """Return one row-norm figure per (max_norm, norm_type) pair, keyed by a readable label.

    >>> figures = max_norm_figures(max_norms=(1.0,), norm_types=(1.0, 2.0))
    >>> list(figures)
    ['max_norm=1, norm_type=1', 'max_norm=1, norm_type=2']
    """
    weight, ids = _demo_table(weight, ids)
    if len(max_norms) == 0 or len(norm_types) == 0:
        raise ValueError("max_norms and norm_types must each hold at least one value to show")
    results = [
        renorm_preview(weight, ids, m, p) for m in max_norms for p in norm_types
    ]  # validates every value before any figure is made
    top = _y_top(weight, norm_types, max_norms)
    figures: dict[str, Figure] = {}
    for result in results:
        label = f"max_norm={result.max_norm:g}, norm_type={_label_norm(result.norm_type)}"
        fig = plot_row_norms(
            result.norms_before,
            result.norms_after,
            max_norm=result.max_norm,
            looked_up=result.looked_up,
            title=f"{int(result.renormalised.sum())} of {int(result.looked_up.sum())} "
            "looked-up rows renormalised",
        )
        fig.axes[0].set_ylim(0, top)
        figures[label] = fig
    return figures


def max_norm_frames(
    weight: torch.Tensor | None = None,
    ids: torch.Tensor | None = None,
    *,
    max_norms: Sequence[float] = (0.5, 1.0, 2.0),
    norm_types: Sequence[float] = (1.0, 2.0),
    dpi: int = 72,
) -> widgets.VBox:
    """Return a kernel-free dropdown switching precomputed row-norm bars per (max_norm, norm_type).

    >>> frames = max_norm_frames(max_norms=(0.5, 1.0), norm_types=(2.0,))
    >>> frames.children[0].options
    ('max_norm=0.5, norm_type=2', 'max_norm=1, norm_type=2')
    """
    figures = max_norm_figures(weight, ids, max_norms=max_norms, norm_types=norm_types)
    return frame_selector(figures, description="setting", dpi=dpi)
