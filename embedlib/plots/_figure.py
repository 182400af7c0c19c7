"""What every embedlib figure shares: its size convention, its smallest text, its size limits.

* ``DPI = 96``: at its natural size a figure is ``figsize * 96`` CSS pixels, so a point in the
  figure is a point on screen; no text is smaller than ``SMALL`` (10 pt).
* Figures are bare ``matplotlib.figure.Figure`` objects, not registered with pyplot: a cell shows
  one exactly once, when it returns it, and it is freed with it (pyplot would show it again at
  the end of any cell that draws while interactive mode is on, and keep it until closed).
* Plots draw one artist per row, bar or bin, so each has a stated limit and refuses more with
  a ValueError that says how to get under it, instead of hanging or allocating gigabytes.
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

    Widget frames pass ``layout=None`` and fixed margins: a layout engine costs more than the
    drawing of a small figure.

    >>> fig, ax = new_figure(figsize=(2, 1))
    >>> import matplotlib.pyplot as plt
    >>> fig in [plt.figure(n) for n in plt.get_fignums()], fig.dpi
    (False, 96)
    """
    fig = Figure(figsize=figsize, dpi=DPI, layout=layout)
    return fig, fig.subplots(nrows, ncols, **subplot_kw)


def check_limit(name: str, count: int, limit: int, fix: str) -> None:
    """Refuse ``count`` things (rows, bins, steps) above what a plot can draw.

    >>> check_limit("bins", 10**9, MAX_BINS, "pass bins=100")
    Traceback (most recent call last):
    ...
    ValueError: bins is 1,000,000,000, more than this plot draws (at most 1,000); pass bins=100
    """
    if count > limit:
        raise ValueError(
            f"{name} is {count:,}, more than this plot draws (at most {limit:,}); {fix}"
        )
