"""Thin ipywidgets layers over embedlib compute and plots, each demo in two forms: live
(``max_norm_explorer``, ``init_explorer``, ``step_through``: a ``LiveFigure`` that needs a kernel
and displays itself, so a cell ends with it) and kernel-free for the website
(``max_norm_frames``, ``init_explorer_frames``, ``step_through_frames``: precomputed frames).
"""

from embedlib.widgets.init_explorer import init_explorer, init_explorer_frames
from embedlib.widgets.learning import projection_explorer, projection_player
from embedlib.widgets.max_norm import max_norm_explorer, max_norm_frames
from embedlib.widgets.step_through import step_through, step_through_frames

__all__ = [
    "init_explorer",  # embedlib.widgets.init_explorer
    "init_explorer_frames",
    "projection_explorer",  # embedlib.widgets.learning
    "projection_player",
    "max_norm_explorer",  # embedlib.widgets.max_norm
    "max_norm_frames",
    "step_through",  # embedlib.widgets.step_through
    "step_through_frames",
]
