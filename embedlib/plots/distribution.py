"""What values a fresh embedding table holds: histograms against theoretical densities."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import Tensor

from embedlib.init import INIT_SCHEMES, _get_scheme, table_stats
from embedlib.plots._figure import new_figure

__all__ = [
    "plot_row_norms_by_scheme",
    "plot_scaling_with_dim",
    "plot_scheme_grid",
    "plot_weight_histogram",
]

Curve = tuple[Tensor, Tensor]  # (x, pdf)


def _check_table(weight: object, name: str = "weight") -> Tensor:
    if not isinstance(weight, Tensor) or weight.dim() != 2 or not weight.is_floating_point():
        raise ValueError(
            f"{name} must be a 2-D float tensor (num_embeddings, embedding_dim), got "
            f"{type(weight).__name__} {tuple(getattr(weight, 'shape', ()))}; pass module.weight"
        )
    return weight.detach().float()


def _resolve_densities(
    densities: Mapping[str, Curve] | Sequence[str] | None, weight: Tensor, lo: float, hi: float
) -> dict[str, Curve]:
    """Turn scheme names into (x, pdf) curves over [lo, hi]; pass (x, pdf) pairs through."""
    if densities is None:
        return {}
    if isinstance(densities, str):
        raise TypeError(f"densities must be a list of scheme names, got the string {densities!r}")
    if isinstance(densities, Mapping):
        curves = {}
        for label, curve in densities.items():
            if not (isinstance(curve, tuple) and len(curve) == 2):
                raise TypeError(f"densities[{label!r}] must be an (x, pdf) pair of tensors")
            curves[str(label)] = (torch.as_tensor(curve[0]), torch.as_tensor(curve[1]))
        return curves
    x = torch.linspace(lo, hi, 801)
    n, d = weight.shape
    return {name: (x, _get_scheme(name).density(x, n, d)) for name in densities}


def plot_weight_histogram(
    weight: Tensor,
    *,
    densities: Mapping[str, Curve] | Sequence[str] | None = ("normal",),
    ax: Axes | None = None,
    bins: int = 80,
    title: str | None = None,
    color: str = "C0",
    figsize: tuple[float, float] = (6, 3),
) -> Figure:
    """Plot a histogram (density=True) of every entry of ``weight`` with theoretical pdfs on top.

    ``densities`` is a list of scheme names (curves for this table's shape) or a mapping
    label -> (x, pdf), e.g. to overlay a wrong claim next to the right one.

    >>> fig = plot_weight_histogram(torch.randn(100, 8), densities=["normal"])
    >>> len(fig.axes[0].patches), len(fig.axes[0].lines)
    (80, 1)
    """
    table = _check_table(weight)
    if not isinstance(bins, int) or bins < 1:
        raise ValueError(f"bins must be a positive int, got {bins!r}")
    values = table.flatten()
    lo, hi = values.min().item(), values.max().item()
    pad = 0.15 * (hi - lo) + 1e-6
    curves = _resolve_densities(densities, table, lo - pad, hi + pad)
    if ax is None:
        _fig, ax = new_figure(figsize=figsize)
    ax.hist(values.numpy(), bins=bins, range=(lo, hi), density=True, color=color, alpha=0.6,
            label=f"measured ({values.numel():,} values)")  # fmt: skip
    for i, (label, (x, pdf)) in enumerate(curves.items()):
        ax.plot(x.numpy(), pdf.numpy(), color=f"C{i + 1}", lw=1.8, label=label)
    ax.set_xlabel("weight value")
    ax.set_ylabel("density")
    if title is not None:
        ax.set_title(title)
    ax.legend(fontsize="small", loc="upper right")
    return ax.figure


def plot_scheme_grid(
    tables: Mapping[str, Tensor],
    *,
    ncols: int = 3,
    bins: int = 50,
    panel_size: tuple[float, float] = (2.6, 1.9),
) -> Figure:
    """Plot one small histogram per scheme, each with its theoretical pdf and measured std.

    Keys of ``tables`` are scheme names from ``INIT_SCHEMES``; values are tables they filled.

    >>> from embedlib.init import make_table
    >>> fig = plot_scheme_grid({s: make_table(50, 8, s, seed=0) for s in ["normal", "uniform"]})
    >>> [ax.get_title().split()[0] for ax in fig.axes]
    ['normal', 'uniform']
    """
    if not tables:
        raise ValueError("tables is empty: pass {scheme_name: table} for at least one scheme")
    unknown = [name for name in tables if name not in INIT_SCHEMES]
    if unknown:
        raise ValueError(f"unknown scheme names {unknown}; valid: {', '.join(INIT_SCHEMES)}")
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive int, got {ncols!r}")
    ncols = min(ncols, len(tables))
    nrows = math.ceil(len(tables) / ncols)
    width, height = panel_size[0] * ncols, panel_size[1] * nrows
    fig, axes = new_figure(nrows=nrows, ncols=ncols, squeeze=False, figsize=(width, height),
                           layout=None)  # fmt: skip
    # Fixed margins (in inches, so any grid fits): a layout engine would cost more than the
    # drawing. Room above each panel for its two-line title, below for its tick labels.
    margins = {"left": 0.1 / width, "right": 1 - 0.1 / width, "bottom": 0.3 / height}
    fig.subplots_adjust(**margins, top=1 - 0.45 / height, wspace=0.08, hspace=0.6)
    for ax, (name, weight) in zip(axes.flat, tables.items(), strict=False):
        table = _check_table(weight, f"tables[{name!r}]")
        values = table.flatten()
        lo, hi = values.min().item(), values.max().item()
        heights, edges = torch.histogram(values, bins=bins, range=(lo, hi), density=True)
        # one filled step patch per panel draws like ax.hist's bars, for a fraction of the cost
        ax.stairs(heights.numpy(), edges.numpy(), fill=True, color="C0", alpha=0.6)
        x = torch.linspace(lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo), 401)
        n, d = table.shape
        ax.plot(x.numpy(), INIT_SCHEMES[name].density(x, n, d).numpy(),
                color="C1", lw=1.5)  # fmt: skip
        theory = INIT_SCHEMES[name].theoretical_std(n, d)
        ax.set_title(f"{name}\nstd {values.std().item():.3g} (theory {theory:.3g})", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.locator_params(axis="x", nbins=5)  # narrow panels: keep tick labels apart
        ax.set_yticks([])
    for ax in list(axes.flat)[len(tables) :]:
        ax.set_visible(False)
    return fig


def plot_row_norms_by_scheme(
    tables: Mapping[str, Tensor],
    *,
    ax: Axes | None = None,
    figsize: tuple[float, float] = (6.5, 3),
    log: bool = True,
) -> Figure:
    """Plot the spread of row norms (box plot, no fliers) of each table, one box per label.

    >>> fig = plot_row_norms_by_scheme({"a": torch.ones(4, 9), "b": torch.ones(4, 1)})
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['a', 'b']
    """
    if not tables:
        raise ValueError("tables is empty: pass {label: table} for at least one table")
    norms = [table_stats(_check_table(w, f"tables[{k!r}]")).row_norms for k, w in tables.items()]
    if ax is None:
        _fig, ax = new_figure(figsize=figsize)
    ax.boxplot([n.numpy() for n in norms], showfliers=False)
    ax.set_xticks(range(1, len(tables) + 1), list(tables), rotation=30, ha="right", fontsize=8)
    if log:
        ax.set_yscale("log")
    ax.set_ylabel("row norm ||w_i||")
    return ax.figure


def plot_scaling_with_dim(
    dims: Sequence[int],
    series: Mapping[str, Sequence[float]],
    *,
    ax: Axes | None = None,
    reference: bool = True,
    figsize: tuple[float, float] = (5.5, 3),
) -> Figure:
    """Plot measured quantities against embedding_dim on log-log axes, with a sqrt(d) guide.

    >>> fig = plot_scaling_with_dim([4, 16], {"row norm": [2.0, 4.0]})
    >>> len(fig.axes[0].lines)
    2
    """
    dims = [int(d) for d in dims]
    if not dims or min(dims) < 1:
        raise ValueError(f"dims must be a non-empty list of positive ints, got {dims}")
    for label, values in series.items():
        if len(values) != len(dims):
            raise ValueError(
                f"series[{label!r}] has {len(values)} values but dims has {len(dims)}; "
                "give one value per dim"
            )
    if ax is None:
        _fig, ax = new_figure(figsize=figsize)
    for i, (label, values) in enumerate(series.items()):
        ax.plot(dims, list(values), "o-", color=f"C{i}", label=label)
    if reference:
        ax.plot(dims, [math.sqrt(d) for d in dims], "k--", lw=1, label=r"$\sqrt{d}$")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xlabel("embedding_dim d")
    ax.legend(fontsize="small")
    return ax.figure
