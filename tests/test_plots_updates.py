"""The update plots: the plotted data is the traced data."""

import itertools

import numpy as np
import pytest
import torch

from embedlib.plots import plot_update_trace
from embedlib.plots.updates import _show_refusal, _show_step, _step_figure
from embedlib.trace import trace_updates

SCHEDULE = [[1, 2], [3], [3], [4]]


@pytest.fixture
def momentum_trace():
    return trace_updates(SCHEDULE, torch.optim.SGD, num_embeddings=6, embedding_dim=3, lr=0.1,
                         momentum=0.9)  # fmt: skip


def weights(trace):
    return [trace.initial_weight] + [r.weight for r in trace.steps]


def test_update_trace_colours_exactly_the_changed_cells(momentum_trace):
    fig = plot_update_trace(momentum_trace)
    shown = fig.axes[0].images[0].get_array()
    # independent oracle: diff consecutive recorded weights
    moved = torch.stack(
        [(b - a).ne(0).any(dim=1) for a, b in itertools.pairwise(weights(momentum_trace))]
    ).T
    assert np.array_equal(~shown.mask, moved.numpy())
    dots = fig.axes[0].collections
    assert [d.get_offsets()[:, 1].tolist() for d in dots] == [[1.0, 2.0], [3.0], [3.0], [4.0]]


def test_step_figure_shows_the_change_and_bars_split_by_batch(momentum_trace):
    fig = _step_figure(6, 3)
    alt = _show_step(fig, momentum_trace, 2)
    heat, bars = fig.axes
    delta = (momentum_trace.steps[2].weight - momentum_trace.steps[1].weight).numpy()
    assert np.allclose(heat.images[0].get_array(), delta)
    batch_line, other_line = bars.lines
    assert np.nanmax(batch_line.get_ydata()) == 3  # row 3 is the batch of step 2
    assert sorted(set(np.asarray(other_line.get_ydata())[::3].tolist())) == [0, 1, 2, 4, 5]
    # bars are scaled by the largest row change of the whole run (a fixed axis for every step)
    pairs = itertools.pairwise(weights(momentum_trace))
    largest = max(float((b - a).norm(dim=1).max()) for a, b in pairs)
    assert np.isclose(np.nanmax(batch_line.get_xdata()), np.linalg.norm(delta[3]) / largest)
    assert alt == (f"Step 2 of {momentum_trace.label}: heatmap of how each of the 6 rows "
                   "changed, and bars of each row's change. Looked up: rows 3. Changed: rows 1, "
                   "2, 3. Moved without being looked up: rows 1, 2.")  # fmt: skip
    with pytest.raises(ValueError, match=r"step must be in 0\.\.3"):
        _show_step(fig, momentum_trace, 4)
    with pytest.raises(ValueError, match="another shape"):
        _show_step(_step_figure(7, 3), momentum_trace, 0)


def test_refusal_replaces_the_panels_and_a_step_brings_them_back(momentum_trace):
    refused = trace_updates([[1]], torch.optim.Adam, num_embeddings=6, embedding_dim=3, sparse=True)
    fig = _step_figure(6, 3)
    alt = _show_refusal(fig, refused)
    assert refused.message in alt
    assert not any(ax.get_visible() for ax in fig.axes)
    assert refused.message[:30] in " ".join(t.get_text().replace("\n", " ") for t in fig.texts)
    _show_step(fig, momentum_trace, 0)
    assert all(ax.get_visible() for ax in fig.axes)


def test_update_plots_refuse_what_they_cannot_draw():
    long_run = trace_updates(
        [[0]] * 201, torch.optim.SGD, num_embeddings=2, embedding_dim=1, lr=0.1
    )
    with pytest.raises(
        ValueError, match=r"number of steps is 201, more than this plot draws \(at most 200\)"
    ):
        plot_update_trace(long_run)
    with pytest.raises(TypeError, match="trace must be an UpdateTrace"):
        plot_update_trace("trace")
    with pytest.raises(ValueError, match="num_embeddings must be at most 200, got 1,000"):
        _step_figure(1000, 4)
