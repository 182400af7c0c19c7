"""Explore initialisation schemes: pick a scheme and a table size, see the values and the theory.

Both forms draw one figure one way (``_histogram_figure``): ``init_explorer`` redraws it live
as its controls move; ``init_explorer_frames`` renders it once per table for the website.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from embedlib._checks import check_count
from embedlib.init import SCHEMES, make_table
from embedlib.plots._figure import MAX_BINS, SMALL, check_items, new_figure
from embedlib.plots.distribution import _scheme_panel
from embedlib.widgets.blit import BlitRenderer
from embedlib.widgets.frames import frame_html, kernel_free
from embedlib.widgets.live import LiveFigure

__all__ = ["init_explorer", "init_explorer_frames"]

# (scheme, num_embeddings, embedding_dim): the main schemes at one size, plus Xavier with more
# rows (its std depends on num_embeddings, the fan_out) and Kaiming wider (it depends on the width).
_FRAME_CHOICES: tuple[tuple[str, int, int], ...] = (
    *((s, 1000, 64) for s in ("normal", "normal_0.02", "uniform", "xavier_normal")),
    ("xavier_normal", 10000, 64),
    ("kaiming_uniform", 1000, 64),
    ("kaiming_normal", 1000, 64),
    ("kaiming_normal", 1000, 256),
    ("trunc_normal", 1000, 64),
    ("scaled_normal", 1000, 64),
)


def _histogram_figure(bins: int, seed: int) -> tuple[Figure, Callable[[str, int, int], str]]:
    """A histogram figure, and a function that redraws it for (scheme, rows, dim) (returns alt)."""
    fig, ax = new_figure(figsize=(6.2, 3.4), layout=None)
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.25, top=0.83)  # fixed: cheap to redraw
    ax.set(xlabel="weight value", ylabel="density")
    _scheme_panel(ax, "normal", torch.zeros(1, 1), bins)  # its legend, below the axes: static
    fig.legend(loc="lower center", ncol=2, fontsize=SMALL, frameon=False)

    def show(name: str, n: int, d: int) -> str:
        weight = make_table(n, d, name, seed=seed)  # (n, d)
        std, theory = _scheme_panel(ax, name, weight, bins)
        row_norm = weight.norm(dim=1).mean().item()
        ax.set_title(f"{name}, {n} x {d}: std {std:.4f} (theory {theory:.4f})\n"
                     f"mean row norm {row_norm:.3f}", fontsize=SMALL + 1)  # fmt: skip
        return (f"Histogram of the {n * d:,} values of a {n} x {d} table filled by {name}, with "
                f"the theoretical density on top: std {std:.4f} against {theory:.4f} in "
                f"theory; mean row norm {row_norm:.3f}.")  # fmt: skip

    return fig, show


def init_explorer(
    *,
    schemes: Sequence[str] | None = None,
    num_embeddings_options: Sequence[int] = (100, 1000, 10000),
    embedding_dim_options: Sequence[int] = (4, 16, 64, 256),
    bins: int = 60,
    seed: int = 0,
) -> LiveFigure:
    """Return a live explorer (needs a running kernel): scheme and size controls over a histogram.

    >>> explorer = init_explorer(schemes=["normal", "scaled_normal"], embedding_dim_options=(4, 64))
    >>> explorer.controls["embedding_dim"].value = 64
    >>> explorer.figure.axes[0].get_title().startswith("normal, 100 x 64")
    True
    """
    schemes = list(SCHEMES) if schemes is None else schemes
    schemes = check_items(schemes, "schemes", str, "['normal']")
    unknown = [name for name in schemes if name not in SCHEMES]
    if unknown:
        raise ValueError(f"schemes must be a non-empty list of scheme names; unknown: {unknown}; "
                         f"valid: {', '.join(SCHEMES)}")  # fmt: skip
    options = {"scheme": schemes, "num_embeddings": num_embeddings_options,
               "embedding_dim": embedding_dim_options}  # fmt: skip
    for name in ("num_embeddings", "embedding_dim"):
        values = check_items(options[name], f"{name}_options", int, "(100, 1000)")
        options[name] = [check_count(v, f"{name}_options") for v in values]
    controls = {name: widgets.Dropdown(options=values) for name, values in options.items()}
    fig, show = _histogram_figure(check_count(bins, "bins", high=MAX_BINS), seed)
    return LiveFigure(fig, controls, lambda: show(*(c.value for c in controls.values())))


def init_explorer_frames(
    choices: Sequence[tuple[str, int, int]] = _FRAME_CHOICES, *, seed: int = 0, bins: int = 60
) -> widgets.VBox:
    """Return the kernel-free explorer: a Dropdown over precomputed (scheme, rows, dim) histograms.

    >>> selector = init_explorer_frames([("normal", 100, 8), ("uniform", 100, 8)])
    >>> selector.children[0].children[0].options
    ('normal, 100 x 8', 'uniform, 100 x 8')
    """
    for choice in check_items(choices, "choices", tuple, "[('normal', 1000, 64)]"):
        if len(choice) != 3 or choice[0] not in SCHEMES:
            raise ValueError(f"each choice must be (scheme, num_embeddings, embedding_dim) with a "
                             f"scheme from {', '.join(SCHEMES)}; got {choice!r}")  # fmt: skip
    fig, show = _histogram_figure(check_count(bins, "bins", high=MAX_BINS), seed)
    renderer = BlitRenderer(fig)
    frames = {}
    for name, n, d in choices:
        alt = show(name, n, d)  # redraw, then render
        frames[f"{name}, {n} x {d}"] = [frame_html(renderer.render(palette=True), alt)]
    return kernel_free(frames, choose="table")
