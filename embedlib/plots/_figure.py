"""New figures that pyplot does not manage, so each one displays exactly once.

A figure made with ``plt.subplots`` is registered with pyplot: Jupyter's inline backend shows it
again at the end of any cell that draws while interactive mode is on, and it lives until closed.
A bare ``matplotlib.figure.Figure`` is shown only when a cell returns it, and is freed with it.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

__all__ = ["new_figure"]


def new_figure(
    *,
    figsize: tuple[float, float],
    dpi: float = 80,
    nrows: int = 1,
    ncols: int = 1,
    layout: str | None = "constrained",
    **subplot_kw: Any,
) -> tuple[Figure, Any]:
    """Return ``(figure, axes)`` like ``plt.subplots``, without registering the figure in pyplot.

    >>> fig, ax = new_figure(figsize=(2, 1))
    >>> import matplotlib.pyplot as plt
    >>> fig in [plt.figure(n) for n in plt.get_fignums()]
    False
    """
    fig = Figure(figsize=figsize, dpi=dpi, layout=layout)
    axes = fig.subplots(nrows, ncols, **subplot_kw)
    return fig, axes
