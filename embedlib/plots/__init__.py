"""Matplotlib views of embedlib results; every function returns a Figure."""

# --- plot modules (one line each) ---
from embedlib.plots.lookup import *  # noqa: F403
# --- end of plot modules ---
