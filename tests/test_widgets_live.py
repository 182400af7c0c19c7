"""The live widgets have one shape: a LiveFigure that displays itself, as the site card expects."""

import ipywidgets as widgets
import pytest
import torch
from widget_helpers import frames_in

from embedlib.widgets import init_explorer, max_norm_explorer, step_through
from embedlib.widgets.live import LiveFigure

MAKERS = {
    "max_norm_explorer": lambda: max_norm_explorer(),
    "init_explorer": lambda: init_explorer(num_embeddings_options=(100, 1000)),
    "step_through": lambda: step_through([[1], [2]], num_embeddings=4, embedding_dim=2),
}


@pytest.mark.parametrize("name", MAKERS)
def test_every_live_widget_is_a_self_displaying_static_card(name):
    live = MAKERS[name]()
    assert isinstance(live, LiveFigure) and isinstance(live, widgets.VBox)
    assert "application/vnd.jupyter.widget-view+json" in live._repr_mimebundle_()
    assert "embedlib-live" in live._dom_classes
    controls, image, _status, note = live.children
    assert "embedlib-controls" in controls._dom_classes
    assert list(controls.children) == list(live.controls.values())
    ((png, alt),) = frames_in(image)  # the first frame, with alt text saying what it shows
    assert png.startswith(b"\x89PNG") and len(alt) > 40
    assert note.value.startswith('<div class="embedlib-site-note" style="display:none">')
    assert 'href="run_it_yourself.html"' in note.value and "JupyterLab" in note.value
    assert 'style="color:inherit"' in note.value  # readable on the note's grey (axe: contrast)
    for control in live.controls.values():  # full labels, no zero-width-space checkbox label
        assert control.description and control.style.description_width == "initial"
        assert getattr(control, "indent", False) is False


@pytest.mark.parametrize("name", MAKERS)
def test_every_control_changes_the_picture_and_its_alt_text(name):
    for control_name in MAKERS[name]().controls:
        live = MAKERS[name]()  # each control moved from the defaults
        control, before = live.controls[control_name], frames_in(live.image)
        if isinstance(control, widgets.Checkbox):
            control.value = not control.value
        elif getattr(control, "options", None) is not None:
            control.index = (control.index + 1) % len(control.options)
        else:
            control.value = control.max
        after = frames_in(live.image)
        assert after[0][0] != before[0][0] and after[0][1] != before[0][1], control_name


def test_an_error_in_draw_is_shown_under_the_last_good_frame():
    live = init_explorer(num_embeddings_options=(100,))
    good = live.image.value
    live._draw = lambda: torch.zeros(1) @ torch.zeros(2)  # a raw torch error inside draw
    live.refresh()
    assert live.image.value == good
    assert live.status.value.startswith('<span role="alert"')
    assert "RuntimeError" in live.status.value
