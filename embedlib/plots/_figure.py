"""What every embedlib figure shares: its scale, its smallest text, its size limits.

* ``DPI = 96``: a figure's natural size is ``figsize * 96`` CSS pixels (a point is a point on
  screen); no text is smaller than ``SMALL`` (10 pt). Figures are not registered with pyplot:
  a cell shows one once, when it returns it.
* Plots draw an artist per row, bar or bin, so each has a stated limit and refuses more with a
  ValueError saying how to get under it, instead of hanging or allocating gigabytes.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

DPI = 96
SMALL = 10  # pt: the smallest text in any figure (tick labels, legends, cell values)
MAX_BINS = 1_000  # histogram bins
MAX_ROWS = 200  # table rows drawn one per line, bar or heatmap row
MAX_VALUES = 1_000_000  # values a histogram reads; larger tables are sampled


def new_figure(
    *,
    figsize: tuple[float, float],
    nrows: int = 1,
    ncols: int = 1,
    layout: str | None = "constrained",
    **subplot_kw: Any,
) -> tuple[Figure, Any]:
    """Return ``(figure, axes)`` like ``plt.subplots``, not registered with pyplot.

    Widget frames pass ``layout=None`` and fixed margins: a layout engine costs more.

    >>> fig, ax = new_figure(figsize=(2, 1))
    >>> import matplotlib.pyplot as plt
    >>> fig in [plt.figure(n) for n in plt.get_fignums()], fig.dpi
    (False, 96)
    """
    fig = Figure(figsize=figsize, dpi=DPI, layout=layout)
    return fig, fig.subplots(nrows, ncols, **subplot_kw)


def check_limit(name: str, count: int, limit: int, fix: str) -> None:
    """Refuse ``count`` things (rows, ids, steps) above what a plot can draw, saying ``fix``."""
    if count > limit:
        raise ValueError(
            f"{name} is {count:,}, more than this plot draws (at most {limit:,}); {fix}"
        )


def rows_text(mask: Any) -> str:
    """The row ids where a bool mask is true, for alt text: ``"1, 2"`` or ``"none"``."""
    return ", ".join(str(i) for i, on in enumerate(mask) if on) or "none"


def check_items(value: object, name: str, kind: type | tuple[type, ...], example: str) -> list:
    """``value`` as a non-empty list of ``kind``; else a TypeError or ValueError naming ``name``."""
    items = value if isinstance(value, list | tuple) else [None]
    if not all(isinstance(v, kind) and not isinstance(v, bool) for v in items):
        raise TypeError(f"{name} must be a list of {getattr(kind, '__name__', 'numbers')}, got "
                        f"{type(value).__name__} {value!s:.40}; e.g. {name}={example}")  # fmt: skip
    if not value:
        raise ValueError(f"{name} is empty; give at least one, e.g. {name}={example}")
    return list(value)
