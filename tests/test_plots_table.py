"""Tests for embedlib.plots.table: the plotted data is the traced data."""

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from embedlib.cost import gradient_step_cost, lookup_cost
from embedlib.plots.table import (
    plot_cost,
    plot_refused,
    plot_step,
    plot_table_heatmap,
    plot_update_trace,
    update_step_figure,
)
from embedlib.trace import trace_updates

SCHEDULE = [[1, 2], [3], [3], [4]]


@pytest.fixture
def momentum_trace():
    return trace_updates(
        SCHEDULE, torch.optim.SGD, num_embeddings=6, embedding_dim=3, lr=0.1, momentum=0.9
    )


def test_heatmap_shows_the_table_and_marks_rows():
    weight = torch.arange(12.0).reshape(4, 3)
    fig = plot_table_heatmap(
        weight, batch_rows=[0, 2], changed_rows=torch.tensor([0, 0, 1, 1]).bool()
    )
    ax = fig.axes[0]
    assert np.array_equal(ax.images[0].get_array(), weight.numpy())
    assert ax.collections[0].get_offsets()[:, 1].tolist() == [0.0, 2.0]
    assert ax.collections[1].get_offsets()[:, 1].tolist() == [2.0, 3.0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "looked up this step",
        "changed this step",
    ]
    plt.close(fig)
    with pytest.raises(ValueError, match=r"batch_rows holds row ids outside 0\.\.3"):
        plot_table_heatmap(weight, batch_rows=[4])


def test_update_trace_colours_exactly_the_changed_cells(momentum_trace):
    fig = plot_update_trace(momentum_trace)
    shown = fig.axes[0].images[0].get_array()
    # independent oracle: diff consecutive recorded weights
    weights = [momentum_trace.initial_weight] + [r.weight for r in momentum_trace.steps]
    moved = torch.stack([(b - a).ne(0).any(dim=1) for a, b in itertools.pairwise(weights)]).T
    assert np.array_equal(~shown.mask, moved.numpy())
    plt.close(fig)


def test_plot_step_bars_are_row_change_norms_split_by_batch(momentum_trace):
    fig = plot_step(momentum_trace, 2)
    heat, bars = fig.axes
    delta = (momentum_trace.steps[2].weight - momentum_trace.steps[1].weight).numpy()
    assert np.allclose(heat.images[0].get_array(), delta)
    batch_line, other_line = bars.lines
    assert np.nanmax(batch_line.get_ydata()) == 3  # row 3 is the batch of step 2
    other_rows = sorted(set(np.asarray(other_line.get_ydata())[::3].tolist()))
    assert other_rows == [0, 1, 2, 4, 5]
    norms = np.linalg.norm(delta, axis=1)
    # bars are scaled by the largest row change of the whole run (a fixed axis for every step)
    weights = [momentum_trace.initial_weight] + [r.weight for r in momentum_trace.steps]
    largest = max(float((b - a).norm(dim=1).max()) for a, b in itertools.pairwise(weights))
    assert np.isclose(np.nanmax(batch_line.get_xdata()), norms[3] / largest)
    update_step_figure(fig, momentum_trace, 0)
    assert heat.get_title() == "change in step 0"
    plt.close(fig)
    with pytest.raises(ValueError, match=r"step must be in 0\.\.3"):
        plot_step(momentum_trace, 4)


def test_refused_and_cost_plots():
    refused = trace_updates([[1]], torch.optim.Adam, num_embeddings=3, embedding_dim=2, sparse=True)
    fig = plot_refused(refused)
    assert refused.message[:30] in fig.axes[0].texts[0].get_text().replace("\n", " ")
    plt.close(fig)
    steps = gradient_step_cost([10, 100], embedding_dim=2, batch_size=4, repeats=1)
    lookups = lookup_cost([10, 100], embedding_dim=2, batch_size=4, repeats=1)
    fig = plot_cost(steps, lookup_costs=lookups)
    memory = fig.axes[1].lines[0]
    assert memory.get_ydata().tolist() == [10 * 2 * 4, 100 * 2 * 4]
    assert fig.axes[0].get_xscale() == "log" and len(fig.axes[0].lines) == 4
    plt.close(fig)
    with pytest.raises(ValueError, match="step_costs is empty"):
        plot_cost([])
