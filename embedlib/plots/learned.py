"""What a trained table looks like: similarity heatmaps ordered by group, and 2-D projections.

Both take what the chapter computes in torch (a cosine-similarity matrix, projected points) plus
each row's group, and only draw. Groups keep their order of first appearance; rows without a
group (None) come last, drawn in grey.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from embedlib._checks import check_strings, check_table
from embedlib.plots._figure import SMALL, new_figure

__all__ = ["plot_projection", "plot_similarity"]

# Okabe-Ito colours (distinguishable with colour-vision deficiencies), and a marker per group too.
_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
_NO_GROUP = "no group"
_NO_GROUP_COLOUR = "#B0B0B0"


def _group_order(groups: Sequence[str | None]) -> list[str | None]:
    """Distinct groups in order of first appearance, None last."""
    names = list(dict.fromkeys(g for g in groups if g is not None))
    if len(names) > len(_COLOURS):
        raise ValueError(
            f"groups has {len(names)} distinct groups, more than the {len(_COLOURS)} this plot "
            "can tell apart; merge some groups"
        )
    return [*names, *([None] if None in groups else [])]


def _style(group: str | None, rank: int) -> dict:
    if group is None:
        return {"color": _NO_GROUP_COLOUR, "marker": ".", "s": 40, "label": _NO_GROUP}
    return {"color": _COLOURS[rank], "marker": _MARKERS[rank], "s": 46, "label": group}


def _check_matrices(
    cosines: object, groups: object
) -> tuple[dict[str, torch.Tensor], tuple[str | None, ...]]:
    """The panels as ``{title: (n, n) matrix}`` and one group per row, or a clear error."""
    if not isinstance(cosines, Mapping) or len(cosines) == 0:
        raise ValueError(
            "cosines must be a non-empty mapping {panel title: (n, n) similarity matrix}, got "
            f"{type(cosines).__name__}"
        )
    matrices = {str(t): check_table(m, f"cosines[{t!r}]", finite=True) for t, m in cosines.items()}
    n = next(iter(matrices.values())).shape[0]
    groups = check_strings(groups, "groups", count=n, count_of="each matrix", allow_none=True)
    for title, matrix in matrices.items():
        if matrix.shape != (n, n):
            raise ValueError(
                f"cosines[{title!r}] has shape {tuple(matrix.shape)}; every matrix must be "
                f"square with one row per entry of groups ({n}, {n})"
            )
    return matrices, groups


def _heatmap(panel: Axes, shown: object, starts: list[int], names: list, name_x: bool) -> object:
    """One heatmap with lines between groups and the groups named at their centres."""
    image = panel.imshow(shown, cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    for edge in starts[1:]:
        panel.axhline(edge - 0.5, color="black", lw=0.8)
        panel.axvline(edge - 0.5, color="black", lw=0.8)
    ends = [*starts[1:], len(shown)]
    centres = [(a + b - 1) / 2 for a, b in zip(starts, ends, strict=True)]
    panel.set_xticks(centres, names if name_x else [], rotation=90, fontsize=SMALL)
    panel.set_yticks(centres, names, fontsize=SMALL)
    panel.tick_params(length=0)
    return image


def plot_similarity(
    cosines: Mapping[str, torch.Tensor],
    groups: Sequence[str | None],
    *,
    ax: Axes | Sequence[Axes] | None = None,
) -> Figure:
    """Draw each square similarity matrix as a heatmap, rows and columns ordered by group.

    ``cosines`` maps a panel title to an ``(n, n)`` matrix; ``groups`` names the group of each
    of the ``n`` rows. Lines separate the groups; the colour scale runs from -1 to 1. ``ax`` is
    one Axes per panel (a single Axes for a single panel); by default a new figure whose panels
    are stacked, one above the other, 3.5 inches (336 px) wide: a phone shows 10 pt text.

    >>> cosine = torch.eye(4)
    >>> fig = plot_similarity({"one-hot": cosine}, ["a", "a", "b", "b"])
    >>> [ax.get_title() for ax in fig.axes], [t.get_text() for t in fig.axes[0].get_xticklabels()]
    (['one-hot', ''], ['a', 'b'])
    """
    matrices, groups = _check_matrices(cosines, groups)
    order_of = {g: i for i, g in enumerate(_group_order(groups))}
    order = sorted(range(len(groups)), key=lambda i: order_of[groups[i]])  # stable within
    index = torch.tensor(order)
    sorted_groups = [groups[i] for i in order]
    axes, stacked = ax, ax is None
    if axes is None:
        height = 2.75 * len(matrices) + 1.25  # panels, the bottom labels and the colour bar
        _fig, axes = new_figure(figsize=(3.5, height), nrows=len(matrices), squeeze=False)
        axes = list(axes[:, 0])
    elif isinstance(axes, Axes):
        axes = [axes]
    if len(axes) != len(matrices):
        raise ValueError(
            f"ax has {len(axes)} Axes but cosines has {len(matrices)} panels; give one per panel"
        )
    starts = [i for i, g in enumerate(sorted_groups) if i == 0 or g != sorted_groups[i - 1]]
    names = [_NO_GROUP if sorted_groups[a] is None else sorted_groups[a] for a in starts]
    for panel, (title, matrix) in zip(axes, matrices.items(), strict=True):
        shown = matrix[index][:, index].float().numpy()
        name_x = not stacked or panel is axes[-1]  # stacked panels: groups named at the bottom
        image = _heatmap(panel, shown, starts, names, name_x)
        panel.set_title(title, fontsize=SMALL + 1)
    fig = axes[0].figure
    where = {"orientation": "horizontal", "aspect": 30} if stacked else {"shrink": 0.8}
    bar = fig.colorbar(image, ax=list(axes), **where)
    bar.set_label("cosine similarity", fontsize=SMALL)
    bar.ax.tick_params(labelsize=SMALL)
    return fig


_LEGEND_BELOW = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.17), "ncols": 3,
                 "fontsize": SMALL, "frameon": False,
                 "handletextpad": 0.2, "columnspacing": 1.0}  # fmt: skip


def _check_points(
    xy: object, groups: object, labels: object, annotate: object
) -> tuple[torch.Tensor, tuple[str | None, ...], tuple[str, ...] | None]:
    """Points ``(n, 2)``, a group per point, optional labels, and annotations among them."""
    xy = check_table(xy, "xy", finite=True)
    if xy.shape[1] != 2:
        raise ValueError(
            f"xy must have 2 columns (x, y), got shape {tuple(xy.shape)}; project the table "
            "first, for example with fit_pca(weight)(weight)"
        )
    n = xy.shape[0]
    groups = check_strings(groups, "groups", count=n, count_of="xy", allow_none=True)
    if labels is not None:
        labels = check_strings(labels, "labels", count=n, count_of="xy")
    if isinstance(annotate, str):
        raise TypeError(f"annotate must be a collection of labels, got the string {annotate!r}")
    missing = [label for label in annotate if labels is None or label not in labels]
    if missing:
        raise ValueError(
            f"annotate names {missing[0]!r}, which is not in labels; pass labels=... with one "
            "label per point, and annotate only labels from it"
        )
    return xy, groups, labels


def plot_projection(
    xy: torch.Tensor,
    groups: Sequence[str | None],
    *,
    labels: Sequence[str] | None = None,
    annotate: Collection[str] = (),
    ax: Axes | None = None,
    title: str | None = None,
    limits: tuple[tuple[float, float], tuple[float, float]] | None = None,
) -> Figure:
    """Scatter 2-D points, one colour and marker per group; write the ``annotate`` labels.

    ``xy`` is ``(n, 2)`` (for example a table projected with ``fit_pca``); ``labels`` names each
    point and is needed only for ``annotate``. ``limits`` fixes ``((x0, x1), (y0, y1))``, so a
    series of frames shares its axes. Each group's points are one collection with gid
    ``"group:<name>"`` and each annotation a text with gid ``"label:<label>"``, so a live view
    can move them.

    >>> xy = torch.tensor([[0.0, 0.0], [0.1, 0.2], [2.0, 2.0], [2.1, 1.9]])
    >>> fig = plot_projection(xy, ["pet", "pet", "drink", "drink"],
    ...                       labels=["cat", "dog", "tea", "milk"], annotate=["cat"])
    >>> [c.get_gid() for c in fig.axes[0].collections], [t.get_text() for t in fig.axes[0].texts]
    (['group:pet', 'group:drink'], ['cat'])
    """
    xy, groups, labels = _check_points(xy, groups, labels, annotate)
    n = xy.shape[0]
    if ax is None:
        _fig, ax = new_figure(figsize=(3.5, 3.75))  # 336 x 360 px: 10 pt text on a phone too
    points = xy.double().numpy()
    for rank, group in enumerate(_group_order(groups)):
        rows = [i for i in range(n) if groups[i] == group]
        ax.scatter(points[rows, 0], points[rows, 1], zorder=1 if group is None else 2,
                   gid=f"group:{group}", edgecolors="white", linewidths=0.4,
                   **_style(group, rank))  # fmt: skip
    if labels is not None:
        for label in annotate:
            i = labels.index(label)
            ax.annotate(label, points[i], xytext=(5, 4), textcoords="offset points",
                        fontsize=SMALL, gid=f"label:{label}", zorder=3)  # fmt: skip
    if limits is not None:
        (x0, x1), (y0, y1) = limits
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
    ax.set_xlabel("principal component 1", fontsize=SMALL)
    ax.set_ylabel("principal component 2", fontsize=SMALL)
    ax.tick_params(labelsize=SMALL)
    if title is not None:
        ax.set_title(title, fontsize=SMALL + 1)
    ax.legend(**_LEGEND_BELOW)
    return ax.figure
