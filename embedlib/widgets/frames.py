"""Pictures in widgets, and the kernel-free form of a demo.

A frame is a figure rendered at twice the pixels of its natural size and shown at that size:
sharp on high-density screens, never upscaled. ipywidgets 8's ``Image`` has no alt text (only
format, width, height), so a frame is an ``ipywidgets.HTML`` holding an ``<img>`` (data URI)
with an ``alt`` that says what it shows. Kernel-free (the website): every frame is rendered once
into a ``Stack``, and the controls are ``jslink``-ed to the Stacks: no Python runs.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence

import ipywidgets as widgets

__all__: list[str] = []  # the widget modules build on these

PIXEL_RATIO = 2  # rendered pixels per displayed pixel


def frame_html(png: bytes, alt: str, caption: str = "") -> str:
    """An ``<img>`` shown at half the PNG's pixel width, with alt text and an optional caption."""
    width = int.from_bytes(png[16:20], "big") // PIXEL_RATIO  # from the PNG's IHDR chunk
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    img = (f'<img class="embedlib-frame" width="{width}" alt="{html.escape(alt)}" src="{src}" '
           'style="max-width:100%;height:auto;display:block">')  # fmt: skip
    return img + (f'<div class="embedlib-caption">{html.escape(caption)}</div>' if caption else "")


def style_controls(controls: Sequence[widgets.Widget]) -> widgets.HBox:
    """Lay out controls for a ~900 px output area: full labels, slider tracks >= 150 px, wrapped."""
    for control in (c for c in controls if not isinstance(c, widgets.Box)):
        control.style.description_width = "initial"  # the whole label, never "num_emb…"
        if isinstance(control, widgets.Checkbox):  # no zero-width-space label, no 300 px box
            control.indent, control.layout.width = False, "auto"
            control.layout.margin = "2px 24px 2px 2px"  # apart from the next control's label
        if "Slider" in type(control).__name__:  # label + a track of 150-200 px + readout
            control.layout.width = f"{270 + 8 * len(control.description)}px"
    row = widgets.HBox(list(controls), layout=widgets.Layout(flex_flow="row wrap"))
    row.add_class("embedlib-controls")
    return row


def kernel_free(
    frames: Mapping[str, Sequence[str]],
    *,
    choose: str,
    slide: str = "",
    positions: Sequence[str] = (),
    play: bool = False,
) -> widgets.VBox:
    """A demo that needs no kernel: ``frames[choice][position]`` are ``frame_html`` strings.

    A Dropdown (``choose``) picks the choice, if there are several; a slider (``slide``, one
    label per position) and, with ``play``, a Play button move through the positions."""
    if not frames or len({len(column) for column in frames.values()}) != 1:
        raise ValueError("frames must map each choice to the same number (>= 1) of frames")
    count = len(next(iter(frames.values())))
    controls: list[widgets.Widget] = []
    if len(frames) > 1:
        controls.append(widgets.Dropdown(options=list(frames), description=choose))
    slider = None
    if count > 1:
        if len(positions) != count:
            raise ValueError(f"positions has {len(positions)} labels for {count} frames")
        slider = widgets.SelectionSlider(options=list(positions), description=slide)
        if play:  # the Play button stays beside its slider when the controls wrap
            player = widgets.Play(max=count - 1, interval=900, description="play")
            widgets.jslink((player, "value"), (slider, "index"))
        controls.append(style_controls([player, slider]) if play else slider)
    pictures = []
    for column in frames.values():
        pictures.append(widgets.Stack([widgets.HTML(f) for f in column], selected_index=0))
        if slider is not None:
            widgets.jslink((slider, "index"), (pictures[-1], "selected_index"))
    picture = widgets.Stack(pictures, selected_index=0)
    if len(frames) > 1:
        widgets.jslink((controls[0], "index"), (picture, "selected_index"))
    demo = widgets.VBox([style_controls(controls), picture])
    demo.add_class("embedlib-frames")
    return demo
