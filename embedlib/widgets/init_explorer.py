"""Explore initialisation schemes: pick a scheme and a table size, see the values and the theory.

Live form (needs a kernel): ``init_explorer()``. Kernel-free form (the website):
``init_explorer_frames()`` switches precomputed histograms in the browser.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import torch

from embedlib.init import INIT_SCHEMES, make_table, table_stats
from embedlib.plots._figure import new_figure
from embedlib.widgets.frames import LiveView, png_selector, render_png

__all__ = ["DEFAULT_FRAME_CHOICES", "InitExplorer", "init_explorer", "init_explorer_frames"]

# (scheme, num_embeddings, embedding_dim): the main schemes at one size, plus Xavier with more
# rows (its std depends on num_embeddings, the fan_out) and Kaiming wider (it depends on the width).
DEFAULT_FRAME_CHOICES: tuple[tuple[str, int, int], ...] = (
    ("normal", 1000, 64),
    ("uniform", 1000, 64),
    ("xavier_uniform", 1000, 64),
    ("xavier_normal", 1000, 64),
    ("xavier_normal", 10000, 64),
    ("kaiming_uniform", 1000, 64),
    ("kaiming_normal", 1000, 64),
    ("kaiming_normal", 1000, 256),
    ("trunc_normal", 1000, 64),
    ("scaled_normal", 1000, 64),
)


def _frame_title(name: str, num_embeddings: int, embedding_dim: int, weight: torch.Tensor) -> str:
    stats = table_stats(weight)
    theory = INIT_SCHEMES[name].theoretical_std(num_embeddings, embedding_dim)
    return (
        f"{name} ({num_embeddings} x {embedding_dim}): std {stats.std:.4f} "
        f"(theory {theory:.4f}), mean row norm {stats.mean_row_norm:.3f}"
    )


class InitExplorer:
    """The live explorer: controls, the figure whose artists it updates, and a stats label.

    >>> explorer = init_explorer(num_embeddings_options=(100, 1000), embedding_dim_options=(4, 16))
    >>> before = [bar.get_height() for bar in explorer.bars]
    >>> explorer.scheme.value = "uniform"
    >>> [bar.get_height() for bar in explorer.bars] != before
    True
    >>> explorer.close()
    """

    def __init__(
        self,
        schemes: Sequence[str],
        num_embeddings_options: Sequence[int],
        embedding_dim_options: Sequence[int],
        *,
        bins: int,
        seed: int,
    ) -> None:
        self.seed, self.bins = seed, bins
        self.scheme = widgets.Dropdown(
            options=list(schemes), value=schemes[0], description="scheme"
        )
        self.num_embeddings = widgets.Dropdown(
            options=list(num_embeddings_options), description="num_embeddings"
        )
        self.embedding_dim = widgets.Dropdown(
            options=list(embedding_dim_options), description="embedding_dim"
        )
        self.stats = widgets.Label()
        self.fig, self.ax = new_figure(figsize=(6, 3))
        _, _, container = self.ax.hist([0.0], bins=bins, density=True, color="C0", alpha=0.6)
        self.bars = list(container)
        (self.curve,) = self.ax.plot([], [], color="C1", lw=1.8, label="theory")
        self.ax.set_xlabel("weight value")
        self.ax.set_ylabel("density")
        self.ax.legend(loc="upper right", fontsize="small")
        controls = [self.scheme, self.num_embeddings, self.embedding_dim]
        self.view = LiveView(self.fig, controls, self.update)
        self.widget = widgets.VBox([self.view.widget, self.stats])

    def update(self) -> None:
        """Redraw the histogram, the theoretical density and the stats for the current controls."""
        name, n, d = self.scheme.value, self.num_embeddings.value, self.embedding_dim.value
        weight = make_table(n, d, name, seed=self.seed)
        values = weight.flatten()
        lo, hi = values.min().item(), values.max().item()
        heights, edges = torch.histogram(values, bins=self.bins, range=(lo, hi), density=True)
        for bar, left, right, height in zip(
            self.bars, edges[:-1].tolist(), edges[1:].tolist(), heights.tolist(), strict=True
        ):
            bar.set_x(left)
            bar.set_width(right - left)
            bar.set_height(height)
        pad = 0.15 * (hi - lo) + 1e-6
        x = torch.linspace(lo - pad, hi + pad, 401)
        pdf = INIT_SCHEMES[name].density(x, n, d)
        self.curve.set_data(x.numpy(), pdf.numpy())
        self.ax.set_xlim(lo - pad, hi + pad)
        self.ax.set_ylim(0, 1.1 * max(heights.max().item(), pdf.max().item()))
        self.ax.set_title(f"{name}: {values.numel():,} values", fontsize=10)
        self.stats.value = _frame_title(name, n, d, weight)

    def close(self) -> None:
        """Drop the figure's artists (the widget keeps its last image)."""
        self.fig.clear()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def init_explorer(
    *,
    schemes: Sequence[str] | None = None,
    num_embeddings_options: Sequence[int] = (100, 1000, 10000),
    embedding_dim_options: Sequence[int] = (4, 16, 64, 256),
    bins: int = 60,
    seed: int = 0,
) -> InitExplorer:
    """Return a live explorer (needs a running kernel): scheme and size controls over a histogram.

    >>> explorer = init_explorer(schemes=["normal", "scaled_normal"], embedding_dim_options=(4, 64))
    >>> explorer.embedding_dim.value = 64
    >>> explorer.stats.value.startswith("normal (100 x 64)")
    True
    >>> explorer.close()
    """
    schemes = list(INIT_SCHEMES) if schemes is None else list(schemes)
    unknown = [name for name in schemes if name not in INIT_SCHEMES]
    if not schemes or unknown:
        raise ValueError(
            f"schemes must be a non-empty list of scheme names; unknown: {unknown}; "
            f"valid: {', '.join(INIT_SCHEMES)}"
        )
    for label, options in (
        ("num_embeddings_options", num_embeddings_options),
        ("embedding_dim_options", embedding_dim_options),
    ):
        if not options or any(not isinstance(v, int) or v < 1 for v in options):
            raise ValueError(f"{label} must be a non-empty list of positive ints, got {options!r}")
    if not isinstance(bins, int) or bins < 1:
        raise ValueError(f"bins must be a positive int, got {bins!r}")
    return InitExplorer(
        schemes, num_embeddings_options, embedding_dim_options, bins=bins, seed=seed
    )


def init_explorer_frames(
    choices: Sequence[tuple[str, int, int]] = DEFAULT_FRAME_CHOICES,
    *,
    seed: int = 0,
    bins: int = 60,
    dpi: int = 72,
) -> widgets.VBox:
    """Return a kernel-free explorer: a Dropdown over precomputed (scheme, size, dim) histograms.

    >>> selector = init_explorer_frames([("normal", 100, 8), ("uniform", 100, 8)])
    >>> selector.children[0].options
    ('normal, 100 x 8', 'uniform, 100 x 8')
    """
    if len(choices) == 0:
        raise ValueError("choices is empty: pass (scheme, num_embeddings, embedding_dim) tuples")
    for choice in choices:
        if len(choice) != 3:
            raise ValueError(
                f"each choice must be (scheme, num_embeddings, embedding_dim), got {choice!r}"
            )
        if choice[0] not in INIT_SCHEMES:
            raise ValueError(f"unknown scheme {choice[0]!r}; valid: {', '.join(INIT_SCHEMES)}")
    if not isinstance(bins, int) or bins < 1:
        raise ValueError(f"bins must be a positive int, got {bins!r}")
    # One figure with fixed margins, updated in place per choice: no figure or layout pass per
    # frame (the limits change with every scheme, so each frame is still one full draw).
    fig, ax = new_figure(figsize=(6, 3), dpi=dpi, layout=None)
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.16, top=0.9)
    steps = ax.stairs([0.0], [0.0, 1.0], fill=True, color="C0", alpha=0.6, label="measured")
    (curve,) = ax.plot([], [], color="C1", lw=1.8, label="theory")
    ax.set_xlabel("weight value")
    ax.set_ylabel("density")
    legend = ax.legend(fontsize="small", loc="upper right")
    pngs = {}
    for name, n, d in choices:
        weight = make_table(n, d, name, seed=seed)
        values = weight.flatten()
        lo, hi = values.min().item(), values.max().item()
        heights, edges = torch.histogram(values, bins=bins, range=(lo, hi), density=True)
        steps.set_data(heights.numpy(), edges.numpy())
        pad = 0.15 * (hi - lo) + 1e-6
        x = torch.linspace(lo - pad, hi + pad, 801)
        pdf = INIT_SCHEMES[name].density(x, n, d)
        curve.set_data(x.numpy(), pdf.numpy())
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_ylim(0, 1.05 * max(heights.max().item(), pdf.max().item()))
        measured_label, theory_label = legend.get_texts()
        measured_label.set_text(f"measured ({values.numel():,} values)")
        theory_label.set_text(name)
        ax.set_title(_frame_title(name, n, d, weight), fontsize=8)
        pngs[f"{name}, {n} x {d}"] = render_png(fig, dpi=dpi)
    return png_selector(pngs, description="table")
