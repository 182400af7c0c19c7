"""Matplotlib views of embedlib results; every function returns a Figure."""

# --- plot modules (one line each) ---
from embedlib.plots.curves import *  # noqa: F403
from embedlib.plots.distribution import *  # noqa: F403
from embedlib.plots.lookup import *  # noqa: F403
from embedlib.plots.norms import *  # noqa: F403
from embedlib.plots.table import *  # noqa: F403
# --- end of plot modules ---
