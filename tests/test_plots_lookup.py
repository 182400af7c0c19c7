"""Tests for embedlib.plots.lookup: the diagram shows the right rows, arrows and labels."""

import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle
from torch import nn

from embedlib.plots.lookup import plot_lookup

WEIGHT = torch.arange(30.0).reshape(10, 3) / 10 - 1.5
IDS = torch.tensor([[1, 2, 4, 5], [4, 3, 2, 9]])


def texts(fig):
    return [t.get_text() for t in fig.axes[0].texts if t.get_text()]


def test_plot_lookup_shows_table_outputs_and_labels():
    fig = plot_lookup(WEIGHT, IDS)
    assert isinstance(fig, Figure)
    table, outputs = fig.axes[0].images
    np.testing.assert_array_equal(table.get_array(), WEIGHT.numpy())
    expected = torch.nn.functional.embedding(IDS, WEIGHT)  # torch's lookup as the oracle
    np.testing.assert_array_equal(outputs.get_array(), expected.reshape(8, 3).numpy())
    labels = texts(fig)
    assert "x[0, 2] = 4" in labels and "x[1, 3] = 9" in labels
    assert "output (2, 4, 3)" in labels and "weight (10 × 3)" in labels
    arrows = [
        t for t in fig.axes[0].texts if isinstance(getattr(t, "arrow_patch", None), FancyArrowPatch)
    ]
    assert len(arrows) == 2 * 8  # id -> row, row -> output, for each position
    to_rows = arrows[0::2]  # each id arrow ends at the middle of its row (rows start at y=0)
    assert [a.xy[1] - 0.5 for a in to_rows] == IDS.flatten().tolist()
    plt.close(fig)


def test_each_id_has_one_colour_for_its_label_arrows_and_row_frame():
    fig = plot_lookup(WEIGHT, torch.tensor([4, 1, 4]))  # a repeated id
    ax = fig.axes[0]
    labels = {t.get_text(): t.get_color() for t in ax.texts if t.get_text().startswith("x[")}
    assert labels["x[0] = 4"] == labels["x[2] = 4"] != labels["x[1] = 1"]
    outlines = [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()]
    table_left = min(p.get_x() for p in outlines)  # the table's row frames; output boxes are right
    frames = {int(p.get_y()): p.get_edgecolor()[:3] for p in outlines if p.get_x() == table_left}
    rgb = matplotlib.colors.to_rgb
    assert frames == {4: rgb(labels["x[0] = 4"]), 1: rgb(labels["x[1] = 1"])}
    plt.close(fig)


def test_only_unused_rows_are_dimmed():
    fig = plot_lookup(WEIGHT, IDS)
    dimmed = {
        int(p.get_y())
        for p in fig.axes[0].patches
        if isinstance(p, Rectangle) and p.get_fill() and p.get_facecolor()[:3] == (1, 1, 1)
    }
    used = set(IDS.flatten().tolist())
    assert dimmed == set(range(10)) - used
    plt.close(fig)


def test_plot_lookup_draws_into_a_given_axes_and_keeps_it():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="caller's line")
    out = plot_lookup(torch.randn(41, 2), torch.tensor(3), ax=ax)
    assert out is fig
    assert ax.lines and "x = 3" in texts(fig)
    # the 82-value table is too big to write its values in; the one output row is not
    assert sum("." in t.get_text() for t in ax.texts) == 2
    plt.close(fig)


def test_plot_lookup_figure_size_and_errors():
    fig = plot_lookup(nn.Embedding(10, 3), IDS)
    assert tuple(fig.get_size_inches()) == (7.5, 3.5) and fig.dpi == 96  # 720 px: fits a page
    with pytest.raises(TypeError, match=r"table must be an nn\.Embedding"):
        plot_lookup([[0.0, 1.0]], torch.tensor([0]))
    with pytest.raises(ValueError, match=r"num_embeddings=3"):
        plot_lookup(torch.zeros(3, 2), torch.tensor([3]))
    with pytest.raises(ValueError, match=r"number of ids is 40, more than this plot draws"):
        plot_lookup(torch.zeros(3, 2), torch.zeros(40, dtype=torch.long))
    with pytest.raises(ValueError, match=r"num_embeddings is 100,000, more than this plot draws"):
        plot_lookup(torch.zeros(100_000, 2), torch.tensor([1]))
    with pytest.raises(ValueError, match=r"embedding_dim is 65, more than this plot draws"):
        plot_lookup(torch.zeros(3, 65), torch.tensor([1]))


def test_created_figures_are_detached_from_pyplot():
    before = set(plt.get_fignums())
    fig = plot_lookup(WEIGHT, IDS)
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
    fig = plot_lookup(weight, ids)
    images = fig.axes[0].images
    assert len(images) == (2 if ids.numel() else 1)
    if ids.numel():
        np.testing.assert_allclose(images[1].get_array(), weight[ids.reshape(-1)].numpy())
    plt.close(fig)
