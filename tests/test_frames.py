"""Frames: 2x pixels shown at natural size with alt text; kernel-free demos wired in the browser."""

import base64
import io
import re

import ipywidgets as widgets
import numpy as np
import pytest
from ipywidgets.widgets.widget import _instances
from ipywidgets.widgets.widget_link import Link
from PIL import Image

from embedlib.plots._figure import DPI, new_figure
from embedlib.widgets.blit import BlitRenderer
from embedlib.widgets.frames import frame_html, kernel_free, style_controls


def png_of(html: str) -> Image.Image:
    data = re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1)
    return Image.open(io.BytesIO(base64.b64decode(data)))


def test_frame_is_twice_its_displayed_width_and_says_what_it_shows():
    fig, ax = new_figure(figsize=(3, 1.5))
    ax.plot([0, 1], [0, 1])
    html = frame_html(BlitRenderer(fig).render(), 'a line from (0, 0) to (1, 1) & "up"', "step 0")
    image = png_of(html)
    assert image.size == (3 * DPI * 2, int(1.5 * DPI * 2))  # 2x pixels for its natural size
    assert f'width="{3 * DPI}"' in html  # shown at that natural size: never upscaled
    assert 'alt="a line from (0, 0) to (1, 1) &amp; &quot;up&quot;"' in html
    assert 'class="embedlib-frame"' in html and "max-width:100%" in html
    assert html.endswith('<div class="embedlib-caption">step 0</div>')


def test_palette_frames_are_smaller_and_look_the_same():
    fig, ax = new_figure(figsize=(3, 1.5))
    ax.imshow([[0, 1], [2, 3]], cmap="RdBu_r")
    renderer = BlitRenderer(fig)
    full, palette = renderer.render(), renderer.render(palette=True)
    assert len(palette) < len(full)
    a, b = (
        np.asarray(Image.open(io.BytesIO(p)).convert("RGB"), dtype=int) for p in (full, palette)
    )
    worst = np.abs(a - b).max()
    assert worst <= 24  # 256 colours: no visible change


def test_controls_get_full_labels_wide_tracks_and_wrap():
    slider = widgets.FloatSlider(description="weight_decay")
    box = widgets.Checkbox(description="sparse")
    row = style_controls([slider, box, widgets.Dropdown(description="optimizer", options=["a"])])
    assert row.layout.flex_flow == "row wrap" and "embedlib-controls" in row._dom_classes
    assert all(c.style.description_width == "initial" for c in row.children)
    # label (about 8 px a character) + readout (about 60 px) leave a track of at least 150 px
    assert int(slider.layout.width.removesuffix("px")) - 8 * len("weight_decay") - 60 >= 150
    assert box.indent is False  # no zero-width-space label before the box


def frames_of(widget):
    return [w.value for w in widget.children] if isinstance(widget, widgets.Stack) else []


def test_kernel_free_links_every_control_to_the_pictures_it_switches():
    frames = {
        "a": ["<p>a0</p>", "<p>a1</p>", "<p>a2</p>"],
        "b": ["<p>b0</p>", "<p>b1</p>", "<p>b2</p>"],
    }
    demo = kernel_free(frames, choose="table", slide="step", positions=["0", "1", "2"], play=True)
    assert "embedlib-frames" in demo._dom_classes
    dropdown, (play, slider) = [getattr(c, "children", c) for c in demo.children[0].children]
    outer = demo.children[1]
    assert [frames_of(inner) for inner in outer.children] == list(frames.values())
    assert (play.max, slider.options, dropdown.options) == (2, ("0", "1", "2"), ("a", "b"))
    wired = {(*link.source, *link.target) for link in _all_links()}
    assert (dropdown, "index", outer, "selected_index") in wired
    assert (play, "value", slider, "index") in wired
    for inner in outer.children:
        assert (slider, "index", inner, "selected_index") in wired


def _all_links():
    return [w for w in _instances.values() if isinstance(w, Link)]


def test_kernel_free_leaves_out_controls_that_would_change_nothing():
    demo = kernel_free({"only": ["<p>x</p>"]}, choose="table")
    assert demo.children[0].children == ()
    demo = kernel_free({"a": ["<p>a</p>"], "b": ["<p>b</p>"]}, choose="table", play=True)
    assert [type(c).__name__ for c in demo.children[0].children] == ["Dropdown"]


def test_kernel_free_bad_input():
    with pytest.raises(ValueError, match="same number"):
        kernel_free({"a": ["x"], "b": ["x", "y"]}, choose="c")
    with pytest.raises(ValueError, match="same number"):
        kernel_free({}, choose="c")
    with pytest.raises(ValueError, match="positions has 1 labels for 2 frames"):
        kernel_free({"a": ["x", "y"]}, choose="c", positions=["0"])
