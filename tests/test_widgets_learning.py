"""The training-projection widgets: kernel-free player and live explorer, as the site expects."""

from __future__ import annotations

import base64
import io
import re
from itertools import pairwise

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pytest
import torch
from PIL import Image

from embedlib.widgets.learning import _project, projection_explorer, projection_player

GROUPS = ["a", "a", "b", "b", "c", None]
LABELS = ["a1", "a2", "b1", "b2", "c1", "x"]


def _run(dim: int = 4, drift: float = 0.05, steps: int = 4) -> dict[int, torch.Tensor]:
    """A table that drifts slowly: checkpoints every 10 steps."""
    generator = torch.Generator().manual_seed(dim)
    start = torch.randn(6, dim, generator=generator)
    push = torch.randn(6, dim, generator=generator)
    return {10 * s: start + drift * s * push for s in range(steps)}


def _pixels(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _frame_png(frame: widgets.HTML) -> tuple[bytes, dict[str, str]]:
    """The PNG inside a frame's <img> and the tag's other attributes."""
    attributes = dict(re.findall(r'(\w+)="([^"]*)"', frame.value))
    return base64.b64decode(
        attributes.pop("src").removeprefix("data:image/png;base64,")
    ), attributes


def _player_parts(player):
    """The Play button, the slider and the Stack of frames of a projection player."""
    play = next(w for w in _walk(player) if isinstance(w, widgets.Play))
    slider = next(w for w in _walk(player) if isinstance(w, widgets.SelectionSlider))
    stack = player.children[1].children[0]  # one choice: its Stack of frames
    return play, slider, stack


def test_player_is_kernel_free_with_play_slider_and_one_frame_per_checkpoint():
    player = projection_player(_run(), GROUPS, labels=LABELS, annotate=["a1"])
    assert "embedlib-frames" in player._dom_classes
    play, slider, stack = _player_parts(player)
    assert isinstance(stack, widgets.Stack)
    assert len(stack.children) == 4 and play.max == 3
    assert list(slider.options) == [f"step {s} of 30" for s in (0, 10, 20, 30)]
    frames = [_frame_png(frame) for frame in stack.children]
    assert len({png for png, _ in frames}) == 4  # the points move from frame to frame
    for (_, attributes), step in zip(frames, (0, 10, 20, 30), strict=True):
        assert attributes["alt"].endswith(f"at training step {step}")


def test_player_frames_have_2x_pixels_of_their_shown_width():
    player = projection_player(_run(), GROUPS)
    for frame in _player_parts(player)[2].children:
        png, attributes = _frame_png(frame)
        width, _ = _pixels(png)
        assert width == 2 * int(attributes["width"])
        assert "max-width:100%" in attributes["style"]


def test_frames_share_one_projection_so_points_move_rather_than_jump():
    # Two directions of almost equal spread that swap places between the two checkpoints: a PCA
    # fitted per frame swaps its axes (the points jump); one shared projection barely moves them.
    base = torch.linalg.qr(torch.randn(40, 3, generator=torch.Generator().manual_seed(0)))[0]
    first, second = base * torch.tensor([1.05, 1.0, 0.3]), base * torch.tensor([1.0, 1.05, 0.3])
    shared = _project([first, second])
    per_frame = [_project([table])[0] for table in (first, second)]
    jump = (shared[1] - shared[0]).norm(dim=1).max()
    assert (per_frame[1] - per_frame[0]).norm(dim=1).max() > 10 * jump
    tables = list(_run(drift=0.01, steps=6).values())
    frames = _project(tables)
    steps = [(b - a).norm(dim=1).max() for a, b in pairwise(frames)]
    assert max(steps) < 0.2 * frames[-1].abs().max()
    scaled = _project([t * 3.0 for t in tables])  # unit-length rows: the scale does not matter
    for a, b in zip(frames, scaled, strict=True):
        torch.testing.assert_close(a, b)


def test_explorer_has_the_static_card_structure():
    explorer = projection_explorer(lambda d, lr: _run(d), GROUPS, labels=LABELS)
    root = explorer
    assert "embedlib-live" in root._dom_classes
    classes = {c for w in _walk(root) for c in w._dom_classes}
    assert "embedlib-controls" in classes
    assert 'class="embedlib-frame"' in explorer.image.value  # the picture is an <img> in HTML
    notes = [w for w in _walk(root) if isinstance(w, widgets.HTML) and "site-note" in w.value]
    assert len(notes) == 1
    note = notes[0].value
    assert 'class="embedlib-site-note"' in note and 'style="display:none"' in note
    assert 'href="run_it_yourself.html"' in note
    controls = next(w for w in _walk(root) if "embedlib-controls" in w._dom_classes)
    assert list(controls.children) == list(explorer.controls.values())
    assert list(explorer.controls) == ["embedding_dim", "lr", "step"]
    png, attributes = _frame_png(explorer.image)
    assert _pixels(png)[0] == 2 * int(attributes["width"])
    plt.close(explorer.figure)


def test_step_slider_scrubs_without_training_and_new_settings_retrain_once():
    calls = []

    def train(dim, lr):
        calls.append((dim, lr))
        return _run(dim)

    explorer = projection_explorer(train, GROUPS, embedding_dim=4, lr=0.05)
    assert calls == [(4, 0.05)] and explorer.controls["step"].value == 30
    image = explorer.image.value
    points = explorer.figure.axes[0].collections[0].get_offsets().copy()
    explorer.controls["step"].value = 10
    assert calls == [(4, 0.05)]  # scrubbing reuses the run
    assert explorer.image.value != image
    assert (explorer.figure.axes[0].collections[0].get_offsets() != points).any()
    explorer.controls["embedding_dim"].value = 8
    explorer.controls["lr"].value = 0.1
    assert calls == [(4, 0.05), (8, 0.05), (8, 0.1)]
    assert explorer.figure.axes[0].get_title() == "embedding_dim=8, lr=0.1: step 10"
    assert explorer.status.value == ""
    plt.close(explorer.figure)


def test_a_run_with_other_steps_is_reported_under_the_picture():
    def train(dim, lr):
        run = _run(dim)
        return run if dim == 4 else {0: run[0], 5: run[10]}

    explorer = projection_explorer(train, GROUPS, embedding_dim=4)
    image = explorer.image.value
    explorer.controls["embedding_dim"].value = 8
    assert "record the same steps in every run" in explorer.status.value
    assert explorer.image.value == image  # the last good frame stays
    plt.close(explorer.figure)


@pytest.mark.parametrize(
    ("checkpoints", "error", "pattern"),
    [
        ({}, ValueError, "checkpoints is empty"),
        ([torch.ones(6, 2)], TypeError, r"checkpoints must be a mapping \{step: table\}"),
        ({0: torch.ones(6, 2), 5: torch.ones(6, 3)}, ValueError, r"checkpoints\[0\] has shape"),
        ({0: torch.ones(5, 2)}, ValueError, "has 5 rows but groups has 6"),
        ({-1: torch.ones(6, 2)}, ValueError, "step.*must be an int >= 0"),
        ({"0": torch.ones(6, 2)}, TypeError, r"must be an int, got '0' \(str\)"),
        ({0: torch.ones(6)}, ValueError, r"checkpoints\[0\] must be 2-D"),
    ],
)
def test_player_refuses_bad_checkpoints(checkpoints, error, pattern):
    with pytest.raises(error, match=pattern):
        projection_player(checkpoints, GROUPS)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"train": "train"}, TypeError, "train must be a function"),
        ({"embedding_dim": 3}, ValueError, r"embedding_dim=3 must be one of embedding_dims"),
        ({"lr": 0.07}, ValueError, r"lr=0.07 must be one of lrs"),
        ({"embedding_dims": (1, 16)}, ValueError, "each of embedding_dims must be an int >= 2"),
        ({"groups": GROUPS[:5]}, ValueError, r"train\(...\) has 6 rows but groups has 5"),
        ({"annotate": "a1"}, TypeError, "annotate must be a collection"),
    ],
)
def test_explorer_refuses_bad_arguments(kwargs, error, pattern):
    arguments = {"train": lambda d, lr: _run(d), "groups": GROUPS, **kwargs}
    with pytest.raises(error, match=pattern):
        projection_explorer(**arguments)
