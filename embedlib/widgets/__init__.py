"""Thin ipywidgets layers over embedlib compute and plots: live, and kernel-free for the website."""

from embedlib.widgets.blit import (
    BlitRenderer,
)
from embedlib.widgets.frames import (
    LiveView,
    frame_player,
    frame_selector,
    png_player,
    png_selector,
    render_png,
)
from embedlib.widgets.init_explorer import (
    DEFAULT_FRAME_CHOICES,
    InitExplorer,
    init_explorer,
    init_explorer_frames,
)
from embedlib.widgets.learning import (
    projection_explorer,
    projection_player,
)
from embedlib.widgets.max_norm import (
    NORM_TYPE_CHOICES,
    MaxNormExplorer,
    max_norm_explorer,
    max_norm_figures,
    max_norm_frames,
)
from embedlib.widgets.step_through import (
    DEFAULT_CONFIGS,
    DEFAULT_SCHEDULE,
    step_through,
    step_through_frames,
)

__all__ = [
    # embedlib.widgets.frames
    "LiveView",
    "frame_player",
    "frame_selector",
    "png_player",
    "png_selector",
    "render_png",
    # embedlib.widgets.blit
    "BlitRenderer",
    # embedlib.widgets.max_norm
    "NORM_TYPE_CHOICES",
    "MaxNormExplorer",
    "max_norm_explorer",
    "max_norm_figures",
    "max_norm_frames",
    # embedlib.widgets.init_explorer
    "DEFAULT_FRAME_CHOICES",
    "InitExplorer",
    "init_explorer",
    "init_explorer_frames",
    # embedlib.widgets.step_through
    "DEFAULT_CONFIGS",
    "DEFAULT_SCHEDULE",
    "step_through",
    "step_through_frames",
    # embedlib.widgets.learning
    "projection_explorer",
    "projection_player",
]
