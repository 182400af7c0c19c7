"""The max_norm widgets: controls change the bars (live); frames are precomputed and small."""

from __future__ import annotations

import math

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pytest
import torch

from embedlib.norms import renorm_preview, row_norms
from embedlib.widgets.max_norm import max_norm_explorer, max_norm_frames

WEIGHT = torch.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0], [1.0, -1.0]])
IDS = torch.tensor([0, 1, 3])


def _heights(container) -> list[float]:
    return [float(bar.get_height()) for bar in container]


def test_slider_changes_after_bars_and_image():
    explorer = max_norm_explorer(WEIGHT, IDS, max_norm=2.0)
    before_bars, after_bars = explorer.figure.axes[0].containers
    assert _heights(after_bars) == pytest.approx([2.0, 0.5, 10.0, math.sqrt(2)])
    image_before = explorer.view.image.value
    explorer.max_norm.value = 1.0
    assert _heights(after_bars) == pytest.approx([1.0, 0.5, 10.0, 1.0], abs=1e-5)
    assert _heights(before_bars) == pytest.approx([5.0, 0.5, 10.0, math.sqrt(2)])
    assert explorer.view.image.value != image_before
    (limit,) = [ln for ln in explorer.figure.axes[0].lines if ln.get_label() == "max_norm"]
    assert list(limit.get_ydata()) == [1.0, 1.0]
    plt.close(explorer.figure)


def test_norm_type_dropdown_changes_both_bar_sets():
    explorer = max_norm_explorer(WEIGHT, IDS, max_norm=1.5)
    before_bars, after_bars = explorer.figure.axes[0].containers
    explorer.norm_type.value = 1.0
    assert _heights(before_bars) == pytest.approx(row_norms(WEIGHT, 1.0).tolist())
    expected = renorm_preview(WEIGHT, IDS, 1.5, 1.0).norms_after
    assert _heights(after_bars) == pytest.approx(expected.tolist())
    explorer.norm_type.value = math.inf
    assert _heights(before_bars) == pytest.approx([4.0, 0.4, 8.0, 1.0])
    plt.close(explorer.figure)


def test_explorer_defaults_and_errors():
    explorer = max_norm_explorer()
    assert isinstance(explorer.widget, widgets.VBox)
    assert len(explorer.figure.axes[0].containers[0]) == 8
    assert "application/vnd.jupyter.widget-view+json" in explorer._repr_mimebundle_()
    plt.close(explorer.figure)
    with pytest.raises(ValueError, match="norm_type must be one of"):
        max_norm_explorer(WEIGHT, IDS, norm_type=3.0)
    with pytest.raises(ValueError, match="max_norm must be > 0"):
        max_norm_explorer(WEIGHT, IDS, max_norm=0.0)


def test_frames_are_kernel_free_and_small():
    frames = max_norm_frames()
    dropdown, stack = frames.children
    assert len(dropdown.options) == 6 and len(stack.children) == 6
    assert isinstance(dropdown, widgets.Dropdown) and isinstance(stack, widgets.Stack)
    assert all(out.outputs[0]["output_type"] == "display_data" for out in stack.children)
    pngs = [out.outputs[0]["data"]["image/png"] for out in stack.children]
    assert len(set(pngs)) == 6  # every setting gives a different picture
    total_bytes = sum(len(png) * 3 // 4 for png in pngs)  # base64 -> bytes
    assert total_bytes <= 600_000


def test_frames_errors():
    with pytest.raises(ValueError, match="at least one value"):
        max_norm_frames(max_norms=())
    with pytest.raises(ValueError, match="norm_type must be > 0"):
        max_norm_frames(norm_types=(0.0,))
