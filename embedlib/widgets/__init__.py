"""Thin ipywidgets layers over embedlib compute and plots (live, and kernel-free for the website)."""

# --- widget modules (one line each) ---
from embedlib.widgets.frames import *  # noqa: F403
# --- end of widget modules ---
