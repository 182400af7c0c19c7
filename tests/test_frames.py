"""Tests for embedlib.widgets.frames: kernel-free players and selectors over PNG frames."""

import base64

import matplotlib.pyplot as plt
import pytest

from embedlib.plots._figure import new_figure
from embedlib.widgets.frames import (
    frame_player,
    frame_selector,
    png_player,
    png_selector,
    render_png,
)


def pngs_in(stack):
    found = []
    for output in stack.children:
        data = output.outputs[0]["data"]["image/png"]
        found.append(base64.b64decode(data) if isinstance(data, str) else data)
    return found


def line_pngs(n):
    fig, ax = new_figure(figsize=(1, 1), layout=None)
    (line,) = ax.plot([0, 1], [0, 0])
    ax.set_ylim(0, n)
    frames = []
    for i in range(n):
        line.set_ydata([0, i])
        frames.append(render_png(fig))
    return frames


def test_png_player_shows_the_given_frames_in_order_with_their_labels():
    frames = line_pngs(3)
    assert len(set(frames)) == 3
    player = png_player(frames, ["zero", "one", "two"], play=True, interval_ms=300)
    play, slider, caption = player.children[0].children
    stack = player.children[-1]
    assert pngs_in(stack) == frames
    assert (slider.min, slider.max, play.max, play.interval) == (0, 2, 2, 300)
    assert [label.value for label in caption.children] == ["zero", "one", "two"]


def test_png_selector_keeps_the_label_order():
    frames = line_pngs(2)
    selector = png_selector({"b": frames[1], "a": frames[0]}, description="table")
    dropdown, stack = selector.children
    assert dropdown.options == ("b", "a") and dropdown.description == "table"
    assert pngs_in(stack) == [frames[1], frames[0]]


def test_figure_wrappers_render_the_same_bytes_as_render_png_and_close_figures():
    with plt.ioff():
        figs = [plt.subplots(figsize=(1, 1))[0] for _ in range(2)]
    figs[1].axes[0].plot([0, 1], [1, 0])
    expected = [render_png(fig) for fig in figs]
    player = frame_player(figs, ["a", "b"], play=False)
    assert pngs_in(player.children[-1]) == expected
    assert not any(plt.fignum_exists(fig.number) for fig in figs)
    fig, _ = new_figure(figsize=(1, 1))
    selector = frame_selector({"only": fig})
    assert pngs_in(selector.children[1]) == [render_png(fig)]


def test_bad_input_messages():
    frames = line_pngs(2)
    with pytest.raises(ValueError, match="pngs is empty"):
        png_player([], [])
    with pytest.raises(ValueError, match="labels has 1 entries but pngs has 2"):
        png_player(frames, ["a"])
    with pytest.raises(TypeError, match=r"pngs\[1\] must be PNG bytes"):
        png_player([frames[0], "not a png"], ["a", "b"])
    with pytest.raises(ValueError, match="interval_ms must be a positive"):
        png_player(frames, ["a", "b"], interval_ms=0)
    with pytest.raises(ValueError, match="pngs_by_label is empty"):
        png_selector({})
    with pytest.raises(ValueError, match="figures is empty"):
        frame_player([], [])
    with pytest.raises(TypeError, match=r"figures\[0\] must be a matplotlib Figure"):
        frame_selector({"x": "not a figure"})
