"""plot_row_norms draws the norms it is given, the max_norm line and the looked-up marks."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.figure import Figure

from embedlib.norms import renorm_preview
from embedlib.plots.norms import plot_row_norms


def _heights(container) -> list[float]:
    return [float(bar.get_height()) for bar in container]


def test_before_and_after_bars_match_the_data():
    weight = torch.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
    result = renorm_preview(weight, torch.tensor([0, 2]), max_norm=2.0)
    fig = plot_row_norms(
        result.norms_before, result.norms_after, max_norm=2.0, looked_up=result.looked_up
    )
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    before, after = ax.containers
    assert _heights(before) == pytest.approx([5.0, 0.5, 10.0])
    assert _heights(after) == pytest.approx([2.0, 0.5, 2.0])
    # after bars sit to the right of their before bars
    assert all(a.get_x() > b.get_x() for a, b in zip(after, before, strict=True))
    (limit,) = [line for line in ax.lines if line.get_label() == "max_norm"]
    assert list(limit.get_ydata()) == [2.0, 2.0]
    (marks,) = [line for line in ax.lines if line.get_label() == "looked up"]
    assert list(marks.get_xdata()) == [0, 2]
    weights = [tick.get_fontweight() for tick in ax.get_xticklabels()]
    assert weights == ["bold", "normal", "bold"]
    assert ax.get_ylim()[1] >= 10.0
    plt.close(fig)


def test_before_only_and_given_axes():
    with plt.ioff():
        fig, (left, right) = plt.subplots(1, 2)
    right.plot([0, 1], [0, 1])
    returned = plot_row_norms([1.0, 2.0], ax=left)
    assert returned is fig
    assert len(left.containers) == 1 and _heights(left.containers[0]) == [1.0, 2.0]
    assert not [line for line in left.lines if line.get_label() == "max_norm"]
    assert len(right.lines) == 1  # the caller's other axes untouched
    plt.close(fig)


def test_errors():
    with pytest.raises(ValueError, match="norms_after has 1 rows but norms_before has 2"):
        plot_row_norms([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="looked_up has 3 rows but norms_before has 2"):
        plot_row_norms([1.0, 2.0], looked_up=[True, False, True])
    with pytest.raises(ValueError, match="must be 1-D"):
        plot_row_norms(torch.ones(2, 2))
    with pytest.raises(ValueError, match="max_norm must be > 0"):
        plot_row_norms([1.0], max_norm=0.0)
    with pytest.raises(TypeError, match="sequence of numbers"):
        plot_row_norms(3.0)
    with pytest.raises(TypeError, match="norms_before must hold numbers only"):
        plot_row_norms(["a"])
    # one bar per row: a big table is refused before any bar is drawn, not drawn for minutes
    with pytest.raises(ValueError, match=r"len\(norms_before\) is 1,000,000, more than this"):
        plot_row_norms(torch.zeros(1_000_000))
    plt.close("all")
