"""Matplotlib views of embedlib results; every function returns a Figure (see ``_figure``)."""

from embedlib.plots.curves import plot_loss_curves
from embedlib.plots.distribution import (
    plot_row_norms_by_scheme,
    plot_scaling_with_dim,
    plot_scheme_grid,
    plot_weight_histogram,
)
from embedlib.plots.learned import plot_projection, plot_similarity
from embedlib.plots.lookup import plot_lookup
from embedlib.plots.norms import plot_row_norms
from embedlib.plots.updates import plot_update_trace

__all__ = [
    "plot_loss_curves",  # embedlib.plots.curves
    "plot_row_norms_by_scheme",  # embedlib.plots.distribution
    "plot_scaling_with_dim",
    "plot_scheme_grid",
    "plot_weight_histogram",
    "plot_projection",  # embedlib.plots.learned
    "plot_similarity",
    "plot_lookup",  # embedlib.plots.lookup
    "plot_row_norms",  # embedlib.plots.norms
    "plot_update_trace",  # embedlib.plots.updates
]
