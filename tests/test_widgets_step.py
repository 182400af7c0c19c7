"""Step-through: controls change the picture; frames are every step of every setting, in order."""

import itertools

import pytest
import torch
from widget_helpers import differing_fraction, frames_in

from embedlib.plots.updates import _show_refusal, _show_step, _step_figure
from embedlib.trace import trace_updates
from embedlib.widgets.blit import BlitRenderer
from embedlib.widgets.step_through import step_through, step_through_frames

SCHEDULE = [[1, 2], [3], [3]]


def test_controls_redraw_the_plotted_data():
    view = step_through(SCHEDULE, num_embeddings=6, embedding_dim=3)
    heat = view.figure.axes[0]
    view.controls["step"].value = 2
    assert heat.get_title() == "change in step 2"
    # plain SGD: in step 2 only row 3 moved; the orange markers show exactly that row
    assert heat.collections[1].get_offsets()[:, 1].tolist() == [3.0]
    view.controls["momentum"].value = 0.9
    # with momentum, rows 1 and 2 (looked up only in step 0) still move in step 2
    assert heat.collections[1].get_offsets()[:, 1].tolist() == [1.0, 2.0, 3.0]
    trace = trace_updates(SCHEDULE, torch.optim.SGD, num_embeddings=6, embedding_dim=3, lr=0.1,
                          momentum=0.9)  # fmt: skip
    delta = trace.steps[2].weight - trace.steps[1].weight
    assert torch.allclose(torch.as_tensor(heat.images[0].get_array()), delta)
    ((_, alt),) = frames_in(view.image)
    assert "Moved without being looked up: rows 1, 2." in alt


def test_options_the_optimizer_lacks_are_disabled_and_not_passed():
    view = step_through(SCHEDULE, num_embeddings=6, embedding_dim=3)
    view.controls["weight_decay"].value = 0.2
    view.controls["optimizer"].value = torch.optim.SparseAdam  # no weight_decay, no momentum
    view.controls["sparse"].value = True
    assert view.controls["weight_decay"].disabled and view.controls["momentum"].disabled
    assert view.status.value == ""  # no TypeError from an unknown keyword
    assert view.figure.axes[0].get_visible()


def test_refused_combination_shows_pytorchs_message_instead_of_a_plot():
    view = step_through([[1], [2]], num_embeddings=4, embedding_dim=2)
    view.controls["optimizer"].value = torch.optim.Adam
    view.controls["sparse"].value = True
    refused = trace_updates([[1]], torch.optim.Adam, num_embeddings=4, embedding_dim=2, sparse=True)
    assert refused.message in " ".join(t.get_text().replace("\n", " ") for t in view.figure.texts)
    assert not view.figure.axes[0].get_visible()
    ((_, alt),) = frames_in(view.image)
    assert alt.startswith("PyTorch refused Adam") and refused.message in alt
    view.controls["sparse"].value = False  # back to a plot
    assert view.figure.axes[0].get_visible()


SETTINGS = [
    ("SGD", torch.optim.SGD, {"lr": 0.1}),
    ("Adam sparse", torch.optim.Adam, {"lr": 0.1, "sparse": True}),
    ("Adagrad", torch.optim.Adagrad, {"lr": 0.5}),
]


def test_frames_are_every_step_of_every_setting_as_a_fresh_render_shows_it():
    demo = step_through_frames(SETTINGS, SCHEDULE, num_embeddings=6, embedding_dim=3)
    dropdown, (play, slider) = [getattr(c, "children", c) for c in demo.children[0].children]
    assert dropdown.options == ("SGD", "Adam sparse", "Adagrad")
    assert (play.max, slider.options) == (2, ("0", "1", "2"))
    frames = frames_in(demo)  # SGD steps 0..2, Adam sparse's refusal at each step, Adagrad's
    assert len(frames) == 9
    refused = trace_updates(SCHEDULE, torch.optim.Adam, num_embeddings=6, embedding_dim=3,
                            lr=0.1, sparse=True)  # fmt: skip
    captions = [f.value.split("embedlib-caption")[1] for f in demo.children[1].children[1].children]
    assert [c.startswith(f'">step {i}: looked up') for i, c in enumerate(captions)] == [True] * 3
    for (png, alt), (setting, step) in zip(
        frames, itertools.product(SETTINGS, range(3)), strict=True
    ):
        label, optimizer, kwargs = setting
        trace = trace_updates(SCHEDULE, optimizer, num_embeddings=6, embedding_dim=3, **kwargs)
        fig = _step_figure(6, 3)
        if label == "Adam sparse":
            assert trace.message == refused.message and alt.startswith("PyTorch refused Adam")
            _show_refusal(fig, trace)
        else:
            assert alt.startswith(f"Step {step} of {trace.label}")
            _show_step(fig, trace, step)
        assert differing_fraction(png, BlitRenderer(fig).render()) < 0.002, (label, step)
    assert sum(len(png) for png, _ in frames) / len(frames) <= 25_000  # 2x pixels, 256 colours


def test_the_old_dict_form_of_settings_is_refused_with_the_new_form_as_the_fix():
    with pytest.raises(TypeError, match=r"settings must be a list of tuple, got dict.*SGD"):
        step_through_frames({"SparseAdam": {"optimizer": "sparse_adam", "sparse": True}}, [[1]])


def test_bad_settings():
    with pytest.raises(ValueError, match="settings is empty"):
        step_through_frames([])
    with pytest.raises(
        ValueError, match=r"each setting must be \(label, optimizer class, kwargs\)"
    ):
        step_through_frames([("SGD", torch.optim.SGD)])
    with pytest.raises(ValueError, match=r"optimizer must be one of torch\.optim\.SGD"):
        step_through(optimizer=torch.optim.LBFGS)
    with pytest.raises(TypeError, match="momentun"):
        step_through_frames([("SGD", torch.optim.SGD, {"momentun": 0.9})], [[1]])
