"""Tests for embedlib.widgets.step_through: controls change the picture; frames fit the budget."""

import base64

import matplotlib.pyplot as plt
import pytest
import torch

from embedlib.trace import trace_updates
from embedlib.widgets.step_through import step_through, step_through_frames


def controls_of(view):
    return {control.description: control for control in view.controls}


def pngs(widget):
    """Every PNG (bytes) held by the Outputs inside a widget tree."""
    found = []
    for output in getattr(widget, "outputs", ()):
        if "image/png" in output.get("data", {}):
            found.append(base64.b64decode(output["data"]["image/png"]))
    for child in getattr(widget, "children", ()):
        found += pngs(child)
    return found


def test_controls_redraw_the_image_and_the_plotted_data():
    view = step_through([[1, 2], [3], [3]], num_embeddings=6, embedding_dim=3)
    controls = controls_of(view)
    heat = view.fig.axes[0]
    before_image, before_data = view.image.value, heat.images[0].get_array().copy()
    controls["step"].value = 2
    assert view.image.value != before_image
    assert heat.get_title() == "change in step 2"
    # plain SGD: in step 2 only row 3 moved; the orange markers show exactly that row
    assert heat.collections[1].get_offsets()[:, 1].tolist() == [3.0]
    controls["momentum"].value = 0.9
    # with momentum, rows 1 and 2 (looked up only in step 0) still move in step 2
    assert heat.collections[1].get_offsets()[:, 1].tolist() == [1.0, 2.0, 3.0]
    assert not (heat.images[0].get_array() == before_data).all()
    plt.close(view.fig)


def test_refused_combination_shows_pytorchs_message_instead_of_a_plot():
    view = step_through([[1], [2]], num_embeddings=4, embedding_dim=2)
    controls = controls_of(view)
    before = view.image.value
    controls["optimizer"].value = "adam"
    controls["sparse"].value = True
    refused = trace_updates([[1]], torch.optim.Adam, num_embeddings=4, embedding_dim=2, sparse=True)
    texts = " ".join(t.get_text() for t in view.fig.texts)
    assert refused.message in texts
    assert not view.fig.axes[0].get_visible()
    assert view.image.value != before
    controls["sparse"].value = False  # back to a plot
    assert view.fig.axes[0].get_visible() and refused.message not in view.fig.texts[-1].get_text()
    plt.close(view.fig)


def test_frames_hold_one_frame_per_step_and_stay_within_budget():
    demo = step_through_frames(schedule=[[1, 2], [3], [3], [4]])
    dropdown, stack = demo.children
    assert len(stack.children) == len(dropdown.options) == 6
    images = pngs(demo)
    assert len(images) == 6 * 4  # none of the default configurations is refused: 4 steps each
    assert sum(map(len, images)) <= 600_000
    assert len(set(images)) == len(images)  # every frame shows something different


def test_frames_show_refusals_and_reject_bad_configs():
    demo = step_through_frames({"Adam sparse": {"optimizer": "adam", "sparse": True}}, [[1]])
    assert len(pngs(demo)) == 1
    with pytest.raises(ValueError, match="configs is empty"):
        step_through_frames({})
    with pytest.raises(TypeError, match="must be a dict"):
        step_through_frames({"x": "sgd"})
    with pytest.raises(ValueError, match="optimizer must be one of"):
        step_through(optimizer="lbfgs")


def test_frames_look_like_a_fresh_full_render_of_each_step():
    import io

    import numpy as np
    from PIL import Image

    from embedlib.plots.table import plot_step
    from embedlib.widgets.frames import render_png

    schedule, configs = (
        [[1, 2], [3], [3]],
        {"SGD": {"optimizer": "sgd"}, "Adam": {"optimizer": "adam"}},
    )
    demo = step_through_frames(configs, schedule, num_embeddings=6, embedding_dim=3)
    frames = pngs(demo)  # SGD steps 0..2, then Adam steps 0..2 (one figure, updated and blitted)
    for i, (kwargs, step) in enumerate([(c, s) for c in configs.values() for s in range(3)]):
        optimizer = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[kwargs["optimizer"]]
        trace = trace_updates(schedule, optimizer, num_embeddings=6, embedding_dim=3, lr=0.1)
        full = render_png(plot_step(trace, step))
        a, b = (np.asarray(Image.open(io.BytesIO(p)).convert("RGB")) for p in (frames[i], full))
        assert np.any(a != b, axis=-1).mean() < 0.02, (kwargs, step)
