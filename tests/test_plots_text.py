"""Every figure a chapter or widget shows is legible at its natural size: no text under 10 pt,
no figure wider than a page's ~720 px content column at 96 px per inch."""

import pytest
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from embedlib.init import make_table
from embedlib.plots import (
    plot_lookup,
    plot_loss_curves,
    plot_row_norms,
    plot_row_norms_by_scheme,
    plot_scaling_with_dim,
    plot_scheme_grid,
    plot_update_trace,
    plot_weight_histogram,
)
from embedlib.plots._figure import DPI, SMALL
from embedlib.trace import trace_updates
from embedlib.widgets import init_explorer, max_norm_explorer, step_through

TABLES = {s: make_table(100, 8, s, seed=0) for s in ["normal", "uniform", "xavier_normal"]}
FIGURES = {
    "plot_lookup": lambda: plot_lookup(torch.randn(10, 3), torch.tensor([[1, 2], [4, 2]])),
    "plot_row_norms": lambda: plot_row_norms(
        [2.0, 0.5], [1.0, 0.5], max_norm=1.0, looked_up=[1, 0]
    ),
    "plot_weight_histogram": lambda: plot_weight_histogram(torch.randn(100, 8), title="t"),
    "plot_scheme_grid": lambda: plot_scheme_grid(TABLES),
    "plot_row_norms_by_scheme": lambda: plot_row_norms_by_scheme(TABLES),
    "plot_scaling_with_dim": lambda: plot_scaling_with_dim([4, 16], {"norm": [2.0, 4.0]}),
    "plot_loss_curves": lambda: plot_loss_curves({"a": [1.0, 0.5]}, title="t"),
    "plot_update_trace": lambda: plot_update_trace(
        trace_updates([[1], [2]], torch.optim.SGD, num_embeddings=4, embedding_dim=2, lr=0.1)
    ),
    "max_norm frame": lambda: max_norm_explorer().figure,
    "init frame": lambda: init_explorer(num_embeddings_options=(100,)).figure,
    "step frame": lambda: step_through([[1], [2]], num_embeddings=4, embedding_dim=2).figure,
}


@pytest.mark.parametrize("name", FIGURES)
def test_no_text_under_10_pt_and_no_figure_wider_than_the_page(name):
    fig = FIGURES[name]()
    FigureCanvasAgg(fig).draw()  # creates the tick labels
    small = [
        (text.get_text(), text.get_fontsize())
        for text in fig.findobj(Text)
        if text.get_visible() and text.get_text().strip() and text.get_fontsize() < SMALL
    ]
    assert small == []
    width_px = fig.get_size_inches()[0] * DPI
    assert width_px <= 720, f"{width_px:.0f} px at its natural size"
