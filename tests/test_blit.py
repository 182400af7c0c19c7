"""A blitted frame looks like a full render of the same state; layout changes redraw all."""

import torch
from widget_helpers import differing_fraction, pixels

from embedlib.plots._figure import new_figure
from embedlib.plots.updates import _show_step, _step_figure
from embedlib.trace import trace_updates
from embedlib.widgets.blit import BlitRenderer


def full_render(fig) -> bytes:
    return BlitRenderer(fig).render()  # a fresh renderer: one full draw


def test_blitted_step_frame_matches_a_full_render_of_the_same_step():
    trace = trace_updates([[1, 2], [3], [3], [4]], torch.optim.SGD, num_embeddings=10,
                          embedding_dim=4, lr=0.1, momentum=0.9)  # fmt: skip
    fig = _step_figure(10, 4)
    renderer = BlitRenderer(fig)
    _show_step(fig, trace, 0)
    first = renderer.render()
    _show_step(fig, trace, 3)
    blitted = renderer.render(palette=True)
    assert renderer.full_draws == 1  # the step changed only data: no second full draw
    fresh = _step_figure(10, 4)
    _show_step(fresh, trace, 3)
    full = full_render(fresh)
    assert differing_fraction(blitted, full) < 0.002
    assert differing_fraction(first, full) > 0.002  # the comparison can tell frames apart


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
    assert differing_fraction(blitted, full_render(fig)) < 0.002  # the legend box is ~2%


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
    assert differing_fraction(after_limits, full_render(fig)) < 0.002


def test_palette_keeps_the_white_background_white():
    fig, ax = new_figure(figsize=(2, 1), layout=None)
    ax.imshow(torch.linspace(-1, 1, 300).reshape(1, 300).numpy(), cmap="RdBu_r", aspect="auto")
    corner = pixels(BlitRenderer(fig).render(palette=True))[0, 0]
    assert corner.tolist() == [255, 255, 255]
