"""The max_norm widgets: controls change the bars (live); frames are precomputed and small."""

from __future__ import annotations

import math

import pytest
import torch
from widget_helpers import frames_in

from embedlib.norms import renorm_preview
from embedlib.widgets.max_norm import max_norm_explorer, max_norm_frames

WEIGHT = torch.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0], [1.0, -1.0]])
IDS = torch.tensor([0, 1, 3])


def _heights(container) -> list[float]:
    return [float(bar.get_height()) for bar in container]


def test_slider_changes_after_bars_image_and_alt():
    explorer = max_norm_explorer(WEIGHT, IDS, max_norm=2.0)
    before_bars, after_bars = explorer.figure.axes[0].containers
    assert _heights(after_bars) == pytest.approx([2.0, 0.5, 10.0, math.sqrt(2)])
    image_before = explorer.image.value
    explorer.controls["max_norm"].value = 1.0
    assert _heights(after_bars) == pytest.approx([1.0, 0.5, 10.0, 1.0], abs=1e-5)
    assert _heights(before_bars) == pytest.approx([5.0, 0.5, 10.0, math.sqrt(2)])
    assert explorer.image.value != image_before
    (limit,) = [ln for ln in explorer.figure.axes[0].lines if ln.get_label() == "max_norm"]
    assert list(limit.get_ydata()) == [1.0, 1.0]
    ((_, alt),) = frames_in(explorer.image)
    assert "max_norm=1" in alt and "Looked up: rows 0, 1, 3" in alt
    assert "Scaled down to 1: rows 0, 3" in alt  # row 1 (norm 0.5) is under the limit


def test_norm_type_dropdown_changes_both_bar_sets():
    explorer = max_norm_explorer(WEIGHT, IDS, max_norm=1.5)
    before_bars, after_bars = explorer.figure.axes[0].containers
    explorer.controls["norm_type"].value = 1.0
    assert _heights(before_bars) == pytest.approx([7.0, 0.7, 14.0, 2.0])  # L1 norms by hand
    expected = renorm_preview(WEIGHT, IDS, 1.5, 1.0).norms_after
    assert _heights(after_bars) == pytest.approx(expected.tolist())
    explorer.controls["norm_type"].value = math.inf
    assert _heights(before_bars) == pytest.approx([4.0, 0.4, 8.0, 1.0])


def test_explorer_errors():
    with pytest.raises(ValueError, match="norm_type must be one of"):
        max_norm_explorer(WEIGHT, IDS, norm_type=3.0)
    with pytest.raises(ValueError, match="max_norm must be > 0"):
        max_norm_explorer(WEIGHT, IDS, max_norm=0.0)


def test_frames_are_kernel_free_distinct_and_small():
    frames = max_norm_frames(WEIGHT, IDS, max_norms=(0.5, 1.0, 2.0), norm_types=(1.0, 2.0))
    dropdown, slider = frames.children[0].children
    assert dropdown.options == ("1 (L1)", "2 (L2)") and slider.options == ("0.5", "1", "2")
    shown = frames_in(frames)  # norm_type 1: max_norm 0.5, 1, 2; then norm_type 2
    assert len({png for png, _ in shown}) == 6  # every setting gives a different picture
    expected = renorm_preview(WEIGHT, IDS, 2.0, 1.0)  # the third frame of the first column
    assert (
        f"rows {', '.join(map(str, expected.renormalised.nonzero().flatten().tolist()))}."
        in (shown[2][1])
    )
    assert sum(len(png) for png, _ in shown) <= 200_000


def test_frames_errors():
    with pytest.raises(ValueError, match="max_norms is empty"):
        max_norm_frames(max_norms=())
    with pytest.raises(ValueError, match="norm_type must be > 0"):
        max_norm_frames(norm_types=(0.0,))
