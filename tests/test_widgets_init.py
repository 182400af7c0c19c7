"""The init explorer: controls change the histogram; frames are precomputed, distinct and small."""

import pytest
from widget_helpers import frames_in

from embedlib.init import SCHEMES, make_table
from embedlib.widgets import init_explorer, init_explorer_frames


def _heights(explorer):
    return explorer.figure.axes[0].patches[0].get_data().values.tolist()


def test_each_control_changes_the_histogram_and_image():
    explorer = init_explorer(num_embeddings_options=(100, 1000), embedding_dim_options=(4, 64))
    for name, value in [("scheme", "uniform"), ("num_embeddings", 1000), ("embedding_dim", 64)]:
        heights, image = _heights(explorer), explorer.image.value
        explorer.controls[name].value = value
        assert _heights(explorer) != heights and explorer.image.value != image


def test_histogram_follows_the_scheme_scale():
    explorer = init_explorer(num_embeddings_options=(1000,), embedding_dim_options=(64,))
    ax = explorer.figure.axes[0]
    explorer.controls["scheme"].value = "uniform"  # U(-1, 1): density 0.5
    heights = _heights(explorer)
    assert sum(heights) / len(heights) == pytest.approx(0.5, rel=0.1)
    assert ax.get_xlim()[0] < -1 < 1 < ax.get_xlim()[1]
    explorer.controls["scheme"].value = "scaled_normal"  # std 1/8: peak 8 / sqrt(2 pi) = 3.2
    assert max(_heights(explorer)) == pytest.approx(3.2, rel=0.15)
    theory = SCHEMES["scaled_normal"].std(1000, 64)
    measured = make_table(1000, 64, "scaled_normal", seed=0).std().item()
    assert f"std {measured:.4f} (theory {theory:.4f})" in ax.get_title()
    ((_, alt),) = frames_in(explorer.image)
    assert alt.startswith("Histogram of the 64,000 values of a 1000 x 64 table filled by scaled")


def test_frames_selector_is_small_and_complete():
    choices = [("normal", 200, 8), ("xavier_uniform", 200, 8), ("trunc_normal", 200, 8)]
    selector = init_explorer_frames(choices)
    (dropdown,) = selector.children[0].children
    assert list(dropdown.options) == [f"{n}, {r} x {d}" for n, r, d in choices]
    shown = frames_in(selector)
    assert [alt.split(" filled by ")[1].split(",")[0] for _, alt in shown] == [
        name for name, _, _ in choices
    ]
    assert len({png for png, _ in shown}) == 3  # one figure is reused, every frame differs
    assert sum(len(png) for png, _ in shown) / 3 * 10 < 400_000  # the 10 default frames


def test_bad_input_messages():
    with pytest.raises(ValueError, match="valid: normal"):
        init_explorer(schemes=["gauss"])
    with pytest.raises(ValueError, match="embedding_dim_options must be"):
        init_explorer(embedding_dim_options=(0,))
    with pytest.raises(ValueError, match=r"bins must be at most 1,000, got 100,000"):
        init_explorer(bins=100_000)
    with pytest.raises(ValueError, match=r"\(scheme, num_embeddings, embedding_dim\)"):
        init_explorer_frames([("normal", 10)])
    with pytest.raises(ValueError, match="empty"):
        init_explorer_frames([])
