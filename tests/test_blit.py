"""Tests for embedlib.widgets.blit: a blitted frame looks like a full render of the same state."""

import io

import numpy as np
import pytest
import torch
from PIL import Image

from embedlib.plots._figure import new_figure
from embedlib.plots.table import plot_step, update_step_figure
from embedlib.trace import trace_updates
from embedlib.widgets.blit import BlitRenderer
from embedlib.widgets.frames import render_png


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def differing_fraction(a: bytes, b: bytes) -> float:
    left, right = pixels(a), pixels(b)
    assert left.shape == right.shape
    return float(np.any(left != right, axis=-1).mean())


def test_blitted_step_frame_matches_a_full_render_of_the_same_step():
    trace = trace_updates([[1, 2], [3], [3], [4]], torch.optim.SGD, num_embeddings=10,
                          embedding_dim=4, lr=0.1, momentum=0.9)  # fmt: skip
    fig = plot_step(trace, 0)
    renderer = BlitRenderer(fig)
    first = renderer.render()
    update_step_figure(fig, trace, 3)
    blitted = renderer.render()
    assert renderer.full_draws == 1  # the step changed only data: no second full draw
    full = render_png(plot_step(trace, 3))  # a fresh figure, one ordinary savefig
    assert differing_fraction(blitted, full) < 0.02
    assert differing_fraction(first, full) > 0.02  # the comparison can tell frames apart


def test_legend_inside_the_axes_stays_on_top_of_the_data():
    fig, ax = new_figure(figsize=(3, 2), layout=None)
    (line,) = ax.plot([0, 1], [0, 0], lw=8, label="data")
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.legend(loc="upper right")
    renderer = BlitRenderer(fig)
    renderer.render()
    line.set_ydata([0.9, 0.9])  # a thick line through the legend's box
    blitted = renderer.render()
    assert renderer.full_draws == 1
    assert differing_fraction(blitted, render_png(fig)) < 0.002  # the legend box is ~2%


def test_layout_change_forces_a_full_draw_and_savefig_still_draws_everything():
    fig, ax = new_figure(figsize=(2, 1), layout=None)
    (line,) = ax.plot([0, 1], [0, 1])
    renderer = BlitRenderer(fig)
    renderer.render()
    line.set_ydata([0, 0.5])
    renderer.render()
    assert renderer.full_draws == 1
    ax.set_ylim(-5, 5)
    after_limits = renderer.render()
    assert renderer.full_draws == 2
    # the renderer leaves no artist marked animated, so an ordinary savefig shows the line
    assert not line.get_animated()
    assert differing_fraction(after_limits, render_png(fig)) < 0.02


def test_bad_arguments():
    with pytest.raises(TypeError, match="must be a matplotlib Figure"):
        BlitRenderer("figure")
    fig, _ = new_figure(figsize=(1, 1))
    with pytest.raises(ValueError, match="dpi must be a positive"):
        BlitRenderer(fig, dpi=0)
