"""Thin ipywidgets layers over embedlib compute and plots: live, and kernel-free for the website."""

# --- widget modules (one line each) ---
from embedlib.widgets.frames import *  # noqa: F403
from embedlib.widgets.init_explorer import *  # noqa: F403
from embedlib.widgets.max_norm import *  # noqa: F403
from embedlib.widgets.step_through import *  # noqa: F403
# --- end of widget modules ---
