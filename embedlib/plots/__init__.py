"""Matplotlib views of embedlib results; every function returns a Figure."""

from embedlib.plots.curves import (
    plot_loss_curves,
)
from embedlib.plots.distribution import (
    plot_row_norms_by_scheme,
    plot_scaling_with_dim,
    plot_scheme_grid,
    plot_weight_histogram,
)
from embedlib.plots.learned import (
    plot_projection,
    plot_similarity,
)
from embedlib.plots.lookup import (
    plot_lookup,
    plot_table,
)
from embedlib.plots.norms import (
    plot_row_norms,
)
from embedlib.plots.table import (
    plot_cost,
    plot_refused,
    plot_step,
    plot_table_heatmap,
    plot_update_trace,
    update_step_figure,
)

__all__ = [
    # embedlib.plots.lookup
    "plot_lookup",
    "plot_table",
    # embedlib.plots.norms
    "plot_row_norms",
    # embedlib.plots.distribution
    "plot_row_norms_by_scheme",
    "plot_scaling_with_dim",
    "plot_scheme_grid",
    "plot_weight_histogram",
    # embedlib.plots.curves
    "plot_loss_curves",
    # embedlib.plots.table
    "plot_cost",
    "plot_refused",
    "plot_step",
    "plot_table_heatmap",
    "plot_update_trace",
    "update_step_figure",
    # embedlib.plots.learned
    "plot_projection",
    "plot_similarity",
]
