"""The similarity heatmap and the projection scatter: what they draw, legibly, and their checks."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from matplotlib.text import Text

from embedlib.plots._figure import new_figure
from embedlib.plots.learned import plot_projection, plot_similarity

GROUPS = ["b", "a", "b", None, "a"]


def _cosine(n: int = 5) -> torch.Tensor:
    generator = torch.Generator().manual_seed(0)
    unit = torch.nn.functional.normalize(torch.randn(n, 3, generator=generator), dim=1)
    return unit @ unit.T


def _visible_texts(fig: Figure) -> list[Text]:
    fig.canvas.draw()
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def test_heatmap_orders_rows_and_columns_by_group():
    cosine = _cosine()
    fig = plot_similarity({"panel": cosine}, GROUPS)
    shown = fig.axes[0].images[0].get_array()
    order = [0, 2, 1, 4, 3]  # "b" first (first seen), then "a", then no group; stable within
    np.testing.assert_allclose(shown, cosine[order][:, order].numpy())
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["b", "a", "no group"]
    assert fig.axes[0].images[0].get_clim() == (-1, 1)


def test_heatmap_panels_share_one_colour_bar_and_draw_group_boundaries():
    fig = plot_similarity({"before": _cosine(), "after": torch.eye(5)}, GROUPS)
    heatmaps = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in heatmaps] == ["before", "after"]
    assert len(fig.axes) == 3  # two panels + one colour bar
    for ax in heatmaps:
        assert len(ax.lines) == 2 * 2  # 3 groups: 2 boundaries, horizontal and vertical


def test_heatmap_panels_are_stacked_to_fit_a_phone():
    # 390 px phones show about 350 px of content: a wider figure would shrink its 10 pt text
    fig = plot_similarity({"before": _cosine(), "after": _cosine()}, GROUPS)
    fig.canvas.draw()  # the layout engine places the panels
    assert fig.get_figwidth() * fig.dpi <= 350
    top, bottom = (ax for ax in fig.axes if ax.images)
    assert top.get_position().y0 > bottom.get_position().y1  # one above the other
    names = [[t.get_text() for t in ax.get_xticklabels()] for ax in (top, bottom)]
    assert names == [["", "", ""], ["b", "a", "no group"]]  # named once, at the bottom


def test_heatmap_draws_into_given_axes():
    fig, axes = new_figure(figsize=(6, 3), ncols=2)
    assert plot_similarity({"x": _cosine(), "y": _cosine()}, GROUPS, ax=list(axes)) is fig
    with pytest.raises(ValueError, match="ax has 2 Axes but cosines has 1 panels"):
        plot_similarity({"x": _cosine()}, GROUPS, ax=list(axes))


def test_scatter_has_one_collection_per_group_and_moves_with_offsets():
    xy = torch.tensor([[0.0, 0.0], [1.0, 1.0], [0.5, 0.2], [3.0, 3.0], [1.2, 0.8]])
    labels = ["cat", "red", "dog", "is", "blue"]
    fig = plot_projection(xy, GROUPS, labels=labels, annotate=["red", "is"], title="t")
    ax = fig.axes[0]
    gids = [c.get_gid() for c in ax.collections]
    assert gids == ["group:b", "group:a", "group:None"]
    np.testing.assert_allclose(ax.collections[0].get_offsets(), xy[[0, 2]].numpy())
    np.testing.assert_allclose(ax.collections[1].get_offsets(), xy[[1, 4]].numpy())
    texts = {t.get_text(): t.xy for t in ax.texts}
    assert texts == {"red": (1.0, 1.0), "is": (3.0, 3.0)}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["b", "a", "no group"]


def test_scatter_limits_are_fixed_when_given():
    fig = plot_projection(torch.zeros(5, 2), GROUPS, limits=((-2.0, 3.0), (-1.0, 4.0)))
    assert fig.axes[0].get_xlim() == (-2.0, 3.0) and fig.axes[0].get_ylim() == (-1.0, 4.0)


def test_all_text_is_at_least_10_pt():
    figures = [
        plot_similarity({"before": _cosine(), "after": _cosine()}, GROUPS),
        plot_projection(_cosine()[:, :2], GROUPS, labels=list("abcde"), annotate=["a"], title="t"),
    ]
    for fig in figures:
        sizes = {t.get_text(): t.get_fontsize() for t in _visible_texts(fig)}
        assert min(sizes.values()) >= 10, sizes


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: plot_similarity({}, GROUPS), ValueError, "non-empty mapping"),
        (lambda: plot_similarity(_cosine(), GROUPS), ValueError, "non-empty mapping"),
        (lambda: plot_similarity({"x": _cosine()}, GROUPS[:4]), ValueError, "groups has 4"),
        (
            lambda: plot_similarity({"x": _cosine(), "y": torch.eye(4)}, GROUPS),
            ValueError,
            r"cosines\['y'\] has shape \(4, 4\)",
        ),
        (lambda: plot_similarity({"x": torch.ones(5, 4)}, GROUPS), ValueError, "square"),
        (
            lambda: plot_similarity({"x": torch.eye(9)}, [str(i) for i in range(9)]),
            ValueError,
            "9 distinct groups, more than the 8",
        ),
        (lambda: plot_projection(torch.ones(5, 3), GROUPS), ValueError, "xy must have 2 columns"),
        (
            lambda: plot_projection(torch.ones(5, 2), GROUPS, annotate=["cat"]),
            ValueError,
            "annotate names 'cat', which is not in labels",
        ),
        (
            lambda: plot_projection(torch.ones(5, 2), GROUPS, labels=list("abcde"), annotate="a"),
            TypeError,
            "annotate must be a collection of labels",
        ),
        (
            lambda: plot_projection(torch.ones(5, 2), GROUPS, labels=["a"]),
            ValueError,
            "labels has 1 entries but xy has 5",
        ),
    ],
)
def test_bad_input_is_refused(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
