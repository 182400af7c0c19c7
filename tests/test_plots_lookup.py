"""Tests for embedlib.plots.lookup: the diagram shows the right rows, arrows and labels."""

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from embedlib.lookup import trace_lookup
from embedlib.plots.lookup import plot_lookup


@pytest.fixture
def trace():
    weight = torch.arange(30.0).reshape(10, 3) / 10 - 1.5
    return trace_lookup(weight, torch.tensor([[1, 2, 4, 5], [4, 3, 2, 9]]))


def texts(fig):
    return [t.get_text() for t in fig.axes[0].texts if t.get_text()]


def test_plot_lookup_shows_table_outputs_and_labels(trace):
    fig = plot_lookup(trace)
    assert isinstance(fig, Figure)
    table, outputs = fig.axes[0].images
    np.testing.assert_array_equal(table.get_array(), trace.weight.numpy())
    np.testing.assert_array_equal(outputs.get_array(), trace.output.reshape(8, 3).numpy())
    labels = texts(fig)
    assert "x[0, 2] = 4" in labels and "x[1, 3] = 9" in labels
    assert "output (2, 4, 3)" in labels and "weight (10 × 3)" in labels
    arrows = [
        t for t in fig.axes[0].texts if isinstance(getattr(t, "arrow_patch", None), FancyArrowPatch)
    ]
    assert len(arrows) == 2 * 8  # id -> row, row -> output, for each position
    to_rows = arrows[0::2]  # each id arrow ends at the middle of its row (rows start at y=0)
    assert [a.xy[1] - 0.5 for a in to_rows] == trace.ids.flatten().tolist()
    plt.close(fig)


def test_only_unused_rows_are_dimmed(trace):
    fig = plot_lookup(trace)
    dimmed = {
        int(p.get_y())
        for p in fig.axes[0].patches
        if isinstance(p, Rectangle) and p.get_fill() and p.get_facecolor()[:3] == (1, 1, 1)
    }
    used = set(trace.ids.flatten().tolist())
    assert dimmed == set(range(10)) - used
    plt.close(fig)


def test_plot_lookup_draws_into_a_given_axes_and_keeps_it():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="caller's line")
    out = plot_lookup(trace_lookup(torch.randn(41, 2), torch.tensor(3)), ax=ax)
    assert out is fig
    assert ax.lines and "x = 3" in texts(fig)
    # the 82-value table is too big to write its values in; the one output row is not
    assert sum("." in t.get_text() for t in ax.texts) == 2
    plt.close(fig)


def test_plot_lookup_figure_size_and_errors(trace):
    fig = plot_lookup(trace)
    assert tuple(fig.get_size_inches()) == (7.5, 3.5) and fig.dpi == 96  # 720 px: fits a page
    with pytest.raises(TypeError, match="trace must be a LookupTrace"):
        plot_lookup(torch.zeros(3, 2))
    with pytest.raises(ValueError, match=r"number of ids is 40, more than this plot draws"):
        plot_lookup(trace_lookup(torch.zeros(3, 2), torch.zeros(40, dtype=torch.long)))
    with pytest.raises(ValueError, match=r"num_embeddings is 100,000, more than this plot draws"):
        plot_lookup(trace_lookup(torch.zeros(100_000, 2), torch.tensor([1])))


def test_created_figures_are_detached_from_pyplot(trace):
    before = set(plt.get_fignums())
    fig = plot_lookup(trace)
    assert set(plt.get_fignums()) == before  # nothing left for an inline backend to re-show
    png = io.BytesIO()
    fig.savefig(png, format="png")  # still renders
    assert png.getvalue().startswith(b"\x89PNG")
    plt.close(fig)


@pytest.mark.parametrize(
    ("table_shape", "ids_shape"),
    [((10, 3), (0,)), ((10, 3), ()), ((4, 1), (2, 2, 2)), ((100, 16), (8,)), ((3, 2), (20,))],
)
def test_plot_lookup_odd_shapes(table_shape, ids_shape):
    weight = torch.randn(*table_shape, dtype=torch.float64)
    ids = torch.randint(0, table_shape[0], ids_shape)
    fig = plot_lookup(trace_lookup(weight, ids))
    images = fig.axes[0].images
    assert len(images) == (2 if ids.numel() else 1)
    if ids.numel():
        np.testing.assert_allclose(images[1].get_array(), weight[ids.reshape(-1)].numpy())
    plt.close(fig)
