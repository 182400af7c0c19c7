"""Tests for embedlib.widgets.init_explorer: controls change the plotted data; frames are small."""

import base64

import pytest

from embedlib.init import INIT_SCHEMES
from embedlib.widgets import DEFAULT_FRAME_CHOICES, init_explorer, init_explorer_frames


def _heights(explorer):
    return [bar.get_height() for bar in explorer.bars]


def test_each_control_changes_the_histogram_and_image():
    explorer = init_explorer(num_embeddings_options=(100, 1000), embedding_dim_options=(4, 64))
    for control, value in [
        (explorer.scheme, "uniform"),
        (explorer.num_embeddings, 1000),
        (explorer.embedding_dim, 64),
    ]:
        heights, image, stats = _heights(explorer), explorer.view.image.value, explorer.stats.value
        control.value = value
        assert _heights(explorer) != heights
        assert explorer.view.image.value != image
        assert explorer.stats.value != stats
    explorer.close()


def test_histogram_follows_the_scheme_scale():
    explorer = init_explorer(num_embeddings_options=(1000,), embedding_dim_options=(64,))
    explorer.scheme.value = "uniform"  # U(-1, 1): density 0.5
    heights = _heights(explorer)
    assert sum(heights) / len(heights) == pytest.approx(0.5, rel=0.1)
    assert explorer.ax.get_xlim()[0] < -1 < 1 < explorer.ax.get_xlim()[1]
    explorer.scheme.value = "scaled_normal"  # std 1/8: peak about 8 / sqrt(2 pi) = 3.2
    assert max(_heights(explorer)) == pytest.approx(3.2, rel=0.15)
    theory = INIT_SCHEMES["scaled_normal"].theoretical_std(1000, 64)
    assert f"theory {theory:.4f}" in explorer.stats.value
    explorer.close()


def test_frames_selector_is_small_and_complete():
    choices = [("normal", 200, 8), ("xavier_uniform", 200, 8), ("trunc_normal", 200, 8)]
    selector = init_explorer_frames(choices)
    dropdown, stack = selector.children
    assert list(dropdown.options) == [f"{n}, {r} x {d}" for n, r, d in choices]
    assert len(stack.children) == 3
    total, seen = 0, set()
    for output in stack.children:
        png = output.outputs[0]["data"]["image/png"]
        png = base64.b64decode(png) if isinstance(png, str) else png
        total += len(png)
        seen.add(png)
    assert len(seen) == len(choices)  # one figure is reused, but every frame is its own picture
    # at this rate the default frames stay within the 600 KB budget
    assert total / len(choices) * len(DEFAULT_FRAME_CHOICES) < 600_000


def test_bad_input_messages():
    with pytest.raises(ValueError, match="valid: normal"):
        init_explorer(schemes=["gauss"])
    with pytest.raises(ValueError, match="embedding_dim_options must be"):
        init_explorer(embedding_dim_options=(0,))
    with pytest.raises(ValueError, match=r"\(scheme, num_embeddings, embedding_dim\)"):
        init_explorer_frames([("normal", 10)])
    with pytest.raises(ValueError, match="empty"):
        init_explorer_frames([])
