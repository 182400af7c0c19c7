"""Tests for embedlib.plots.distribution and embedlib.plots.curves: artists carry the data."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from embedlib.init import SCHEMES, make_table
from embedlib.plots import (
    plot_loss_curves,
    plot_row_norms_by_scheme,
    plot_scaling_with_dim,
    plot_scheme_grid,
    plot_weight_histogram,
)


def steps_of(ax):
    (patch,) = ax.patches  # one filled step patch per histogram
    values, edges, _ = patch.get_data()
    return np.asarray(values), np.asarray(edges)


def test_histogram_is_a_density_and_overlays_given_curves():
    weight = make_table(2000, 16, "normal", seed=0)
    x = torch.linspace(-5, 5, 101)
    wide = torch.exp(-0.5 * (x / 10) ** 2) / (10 * math.sqrt(2 * math.pi))
    fig = plot_weight_histogram(weight, densities={"std 10": (x, wide)}, bins=40)
    heights, edges = steps_of(fig.axes[0])
    assert len(heights) == 40
    assert (heights * np.diff(edges)).sum() == pytest.approx(1.0, rel=1e-4)  # a density
    counts, _ = np.histogram(weight.numpy(), bins=edges)  # an independent count
    np.testing.assert_allclose(heights, counts / counts.sum() / np.diff(edges), rtol=1e-4)
    (line,) = fig.axes[0].lines
    assert line.get_label() == "std 10"
    np.testing.assert_allclose(line.get_ydata(), wide.numpy())
    # the measured peak is near 1/sqrt(2 pi), far above the std-10 curve
    assert heights.max() > 0.35 > 5 * wide.max().item()


def test_big_tables_are_sampled_and_big_bins_refused():
    weight = torch.ones(3000, 500)  # 1.5 M values: every other row is read
    weight[:, 250:] = -1.0
    fig = plot_weight_histogram(weight, densities=None, bins=2)
    heights, edges = steps_of(fig.axes[0])
    assert (heights * np.diff(edges)).tolist() == pytest.approx([0.5, 0.5], abs=0.01)
    assert fig.axes[0].get_legend().get_texts()[0].get_text() == "measured (750,000 of 1,500,000)"
    with pytest.raises(ValueError, match=r"bins must be at most 1,000, got 1,000,000,000"):
        plot_weight_histogram(weight, bins=10**9)
    with pytest.raises(ValueError, match="NaN or inf"):
        plot_weight_histogram(torch.tensor([[0.0, float("nan")]]))


def test_histogram_draws_into_a_given_axes_without_clearing_it():
    with plt.ioff():
        fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="mine")
    returned = plot_weight_histogram(torch.randn(10, 3), densities=None, ax=ax, bins=5)
    assert returned is fig and len(ax.lines) == 1 and len(steps_of(ax)[0]) == 5
    plt.close(fig)


def test_scheme_grid_titles_and_hidden_spare_axes():
    names = ["normal", "uniform", "xavier_normal", "scaled_normal"]
    fig = plot_scheme_grid({n: make_table(200, 32, n, seed=1) for n in names}, ncols=3)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(fig.axes) == 6 and len(visible) == 4
    for ax, name in zip(visible, names, strict=True):
        theory = SCHEMES[name].std(200, 32)
        assert ax.get_title().startswith(name) and f"{theory:.3g}" in ax.get_title()
        assert len(ax.lines) == 1
    plt.close(fig)


def test_row_norm_boxes_follow_the_row_norms():
    tables = {"ones": torch.ones(10, 4), "threes": 3 * torch.ones(10, 4)}
    fig = plot_row_norms_by_scheme(tables, log=False)
    ax = fig.axes[0]
    medians = [line.get_ydata()[0] for line in ax.lines if len(set(line.get_ydata())) == 1]
    assert 2.0 in medians and 6.0 in medians  # ||(1,1,1,1)|| = 2, ||(3,3,3,3)|| = 6
    plt.close(fig)


def test_scaling_plot_has_series_and_reference():
    fig = plot_scaling_with_dim([4, 16, 64], {"norm": [2.0, 4.0, 8.0]})
    norm, reference = fig.axes[0].lines
    np.testing.assert_allclose(reference.get_ydata(), [2.0, 4.0, 8.0])
    np.testing.assert_allclose(norm.get_xdata(), [4, 16, 64])
    plt.close(fig)


def test_loss_curves_one_line_per_label():
    fig = plot_loss_curves({"a": torch.tensor([1.0, 0.5]), "b": [2.0, 1.0, 0.1]})
    assert isinstance(fig, Figure)
    a, b = fig.axes[0].lines
    np.testing.assert_allclose(b.get_ydata(), [2.0, 1.0, 0.1])
    assert list(a.get_xdata()) == [0, 1] and fig.axes[0].get_yscale() == "log"
    plt.close(fig)


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: plot_weight_histogram(torch.zeros(5)), ValueError, "weight must be 2-D"),
        (lambda: plot_weight_histogram(torch.zeros(0, 3)), ValueError, "at least one row"),
        (
            lambda: plot_weight_histogram(torch.zeros(2, 2, dtype=torch.long)),
            TypeError,
            r"weight\.float\(\)",
        ),
        (lambda: plot_weight_histogram([[0.0]]), TypeError, "weight must be a torch.Tensor"),
        (lambda: plot_weight_histogram(torch.zeros(2, 2), bins=2.5), TypeError, "bins must be"),
        (lambda: plot_weight_histogram(torch.zeros(2, 2), bins=0), ValueError, "bins must"),
        (lambda: plot_weight_histogram(torch.ones(2, 2), densities=["a"]), TypeError, "mapping"),
        (lambda: plot_weight_histogram(torch.ones(2, 2), densities={"a": 1}), TypeError, "pair"),
        (lambda: plot_scheme_grid({}), ValueError, "non-empty"),
        (lambda: plot_scheme_grid({"gauss": torch.ones(2, 2)}), ValueError, "unknown scheme"),
        (lambda: plot_scaling_with_dim([4], {"x": [1.0, 2.0]}), ValueError, "one value per dim"),
        (lambda: plot_loss_curves({}), ValueError, "non-empty"),
        (lambda: plot_loss_curves({"a": [1.0, 0.0]}), ValueError, "logy=False"),
    ],
)
def test_bad_input_messages(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
    plt.close("all")
