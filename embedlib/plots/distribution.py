"""What values a fresh embedding table holds: histograms against theoretical densities.

Every histogram here is drawn one way: ``torch.histogram`` (density) as one filled step patch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import Tensor

from embedlib._checks import check_count, check_table
from embedlib.init import SCHEMES, get_scheme
from embedlib.plots._figure import MAX_BINS, MAX_VALUES, SMALL, check_items, new_figure

__all__ = ["plot_row_norms_by_scheme", "plot_scaling_with_dim", "plot_scheme_grid",
           "plot_weight_histogram"]  # fmt: skip

Curve = tuple[Tensor, Tensor]  # (x, pdf)


def _histogram(weight: Tensor, bins: int, name: str = "weight") -> tuple[Tensor, Tensor, int]:
    """Return (density heights, bin edges, values read) for a table's values.

    At most ``MAX_VALUES`` values are read: of a larger table, every k-th row."""
    table = check_table(weight, name).detach()
    bins = check_count(bins, "bins", high=MAX_BINS)
    n, d = table.shape
    every = math.ceil(n * d / MAX_VALUES)  # a strided view: no copy of a big table
    values = table[::every, :: math.ceil(d / MAX_VALUES)].flatten().float()
    lo, hi = values.min().item(), values.max().item()
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"{name} holds NaN or inf values; a histogram needs finite values")
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5, hi + 0.5
    heights, edges = torch.histogram(values, bins=bins, range=(lo, hi), density=True)
    return heights, edges, values.numel()


def _curves(densities: object) -> dict[str, Curve]:
    """Check a {label: (x, pdf)} mapping of curves (or None: no curves)."""
    if densities is None:
        return {}
    if not isinstance(densities, Mapping):
        raise TypeError(f"densities must be a {{label: (x, pdf)}} mapping or None, got "
                        f"{type(densities).__name__}")  # fmt: skip
    for label, curve in densities.items():
        if not (isinstance(curve, tuple) and len(curve) == 2):
            raise TypeError(f"densities[{label!r}] must be an (x, pdf) pair of tensors")
    return {str(k): (torch.as_tensor(x), torch.as_tensor(y)) for k, (x, y) in densities.items()}


def _nice(value: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 (times a power of 10) >= ``value``."""
    scale = 10 ** math.floor(math.log10(value))
    return scale * next(s for s in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if s * scale >= value)


def _scheme_panel(ax: Axes, name: str, weight: Tensor, bins: int) -> tuple[float, float]:
    """Draw, or redraw in place, a scheme's histogram and theoretical pdf; return (std, theory)."""
    heights, edges, _ = _histogram(weight, bins, f"tables[{name!r}]")
    half = _nice(1.1 * edges.abs().max().item())  # init schemes are centred on 0
    x = torch.linspace(-half, half, 401)
    n, d = weight.shape
    pdf = get_scheme(name).density(x, n, d)
    if not ax.patches:  # the first call creates the artists; later calls update them
        ax.stairs([0.0], [0.0, 1.0], fill=True, color="C0", alpha=0.6, label="measured")
        ax.plot([], [], color="C1", lw=1.8, label="theory")
    ax.patches[0].set_data(heights.numpy(), edges.numpy())
    ax.lines[0].set_data(x.numpy(), pdf.numpy())
    # rounded limits: a table of the same scheme and scale keeps the axes (a cheap live redraw)
    ax.set(xlim=(-half, half), ylim=(0, _nice(1.1 * max(heights.max(), pdf.max()).item())))
    return weight.std(correction=0).item(), SCHEMES[name].std(n, d)


def plot_weight_histogram(
    weight: Tensor,
    *,
    densities: Mapping[str, Curve] | None = None,
    ax: Axes | None = None,
    bins: int = 80,
    title: str | None = None,
    figsize: tuple[float, float] = (6, 3),
) -> Figure:
    """Plot a histogram (density) of every entry of ``weight`` with given pdfs on top.

    ``densities`` maps a label to an ``(x, pdf)`` pair of tensors, e.g. to overlay a wrong claim
    next to the right one. Tables of more than a million values are sampled (every k-th row); at
    most 1,000 bins.

    >>> x = torch.linspace(-4, 4, 81)
    >>> fig = plot_weight_histogram(torch.randn(100, 8), densities={"N(0, 1)": (x, x.exp())})
    >>> len(fig.axes[0].patches), [line.get_label() for line in fig.axes[0].lines]
    (1, ['N(0, 1)'])
    """
    heights, edges, read = _histogram(weight, bins)
    curves = _curves(densities)
    if ax is None:
        _fig, ax = new_figure(figsize=figsize)
    total = weight.numel()
    label = f"measured ({total:,} values)" if read == total else f"measured ({read:,} of {total:,})"
    ax.stairs(heights.numpy(), edges.numpy(), fill=True, color="C0", alpha=0.6, label=label)
    for i, (name, (x, pdf)) in enumerate(curves.items()):
        ax.plot(x.numpy(), pdf.numpy(), color=f"C{i + 1}", lw=1.8, label=name)
    ax.set(xlabel="weight value", ylabel="density", title=title)
    ax.legend(fontsize=SMALL, loc="upper right")
    return ax.figure


def plot_scheme_grid(
    tables: Mapping[str, Tensor],
    *,
    ncols: int = 3,
    bins: int = 50,
    panel_size: tuple[float, float] = (2.4, 2.0),
) -> Figure:
    """Plot one small histogram per scheme, each with its theoretical pdf and measured std.

    Keys of ``tables`` are scheme names of ``embedlib.init`` (``normal``, ``xavier_uniform``, ...:
    the ``torch.nn.init`` function without its ``_``, with its defaults); values are tables they
    filled.

    >>> from embedlib.init import make_table
    >>> fig = plot_scheme_grid({s: make_table(50, 8, s, seed=0) for s in ["normal", "uniform"]})
    >>> [ax.get_title().split()[0] for ax in fig.axes]
    ['normal', 'uniform']
    """
    if not isinstance(tables, Mapping) or not tables:
        raise ValueError("tables must be a non-empty {scheme_name: table} mapping")
    unknown = [name for name in tables if name not in SCHEMES]
    if unknown:
        raise ValueError(f"unknown scheme names {unknown}; valid: {', '.join(SCHEMES)}")
    ncols = min(check_count(ncols, "ncols"), len(tables))
    nrows = math.ceil(len(tables) / ncols)
    width, height = panel_size[0] * ncols, panel_size[1] * nrows
    fig, axes = new_figure(nrows=nrows, ncols=ncols, squeeze=False, figsize=(width, height),
                           layout=None)  # fmt: skip
    # Fixed margins in inches (a layout engine costs more than the drawing): room above each
    # panel for its two-line title, below for its tick labels.
    fig.subplots_adjust(left=0.25 / width, right=1 - 0.25 / width, bottom=0.3 / height,
                        top=1 - 0.5 / height, wspace=0.3, hspace=0.75)  # fmt: skip
    for ax, (name, weight) in zip(axes.flat, tables.items(), strict=False):
        std, theory = _scheme_panel(ax, name, weight, bins)
        ax.set_title(f"{name}\nstd {std:.3g} (theory {theory:.3g})", fontsize=SMALL)
        ax.tick_params(labelsize=SMALL)
        ax.locator_params(axis="x", nbins=4)  # narrow panels: keep tick labels apart
        ax.set_yticks([])
    for ax in list(axes.flat)[len(tables) :]:
        ax.set_visible(False)
    return fig


def plot_row_norms_by_scheme(
    tables: Mapping[str, Tensor],
    *,
    ax: Axes | None = None,
    figsize: tuple[float, float] = (6.5, 3.2),
    log: bool = True,
) -> Figure:
    """Plot the spread of row norms (box plot, no fliers) of each table, one box per label.

    >>> fig = plot_row_norms_by_scheme({"a": torch.ones(4, 9), "b": torch.ones(4, 1)})
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['a', 'b']
    """
    if not isinstance(tables, Mapping) or not tables:
        raise ValueError("tables must be a non-empty {label: table} mapping")
    norms = [check_table(w, f"tables[{k!r}]").detach().norm(dim=1) for k, w in tables.items()]
    if ax is None:
        _fig, ax = new_figure(figsize=figsize)
    ax.boxplot([n.numpy() for n in norms], showfliers=False)
    ax.set_xticks(range(1, len(tables) + 1), list(tables), rotation=30, ha="right")
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
    figsize: tuple[float, float] = (6, 3.2),
) -> Figure:
    """Plot measured quantities against embedding_dim on log-log axes, with a sqrt(d) guide.

    >>> fig = plot_scaling_with_dim([4, 16], {"row norm": [2.0, 4.0]})
    >>> len(fig.axes[0].lines)
    2
    """
    dims = [check_count(d, "dims") for d in check_items(dims, "dims", int, "[4, 16, 64]")]
    if not isinstance(series, Mapping):
        raise TypeError(f"series must be a {{label: values}} mapping, got {type(series).__name__}")
    for label, values in series.items():
        if len(values) != len(dims):
            raise ValueError(f"series[{label!r}] has {len(values)} values but dims has "
                             f"{len(dims)}; give one value per dim")  # fmt: skip
    if ax is None:
        _fig, ax = new_figure(figsize=figsize)
    for i, (label, values) in enumerate(series.items()):
        ax.plot(dims, list(values), "o-", color=f"C{i}", label=label)
    if reference:
        ax.plot(dims, [math.sqrt(d) for d in dims], "k--", lw=1, label=r"$\sqrt{d}$")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xlabel("embedding_dim d")
    ax.legend(fontsize=SMALL)
    return ax.figure
