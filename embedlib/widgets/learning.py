"""Watch an embedding table learn: its rows in 2-D, checkpoint by checkpoint.

Each checkpoint's rows are scaled to unit length (cosine similarity is what the chapter
measures), then projected with one PCA fitted on the last checkpoint, so every frame shares its
axes and points move between frames instead of jumping. Two forms:

* ``projection_player`` (kernel-free, the website): every frame rendered once at 2x pixels,
  switched in the browser by a slider and a Play button;
* ``projection_explorer`` (live, JupyterLab): retrains with the embedding_dim and learning rate
  the reader picks (through a ``train`` function the notebook defines) and scrubs its checkpoints.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import ipywidgets as widgets
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from embedlib._checks import check_count, check_strings, check_table
from embedlib.plots._figure import SMALL
from embedlib.plots.learned import plot_projection
from embedlib.projection import fit_pca
from embedlib.widgets.blit import BlitRenderer
from embedlib.widgets.frames import frame_html, kernel_free
from embedlib.widgets.live import LiveFigure

__all__ = ["projection_explorer", "projection_player"]

_DESCRIPTION = "The rows of the embedding table in 2-D (a PCA of the unit-length rows), by group"


def _check_checkpoints(
    checkpoints: object, rows: int | None, name: str = "checkpoints"
) -> tuple[list[int], list[torch.Tensor]]:
    """Steps in increasing order and their tables, all of one shape."""
    if not isinstance(checkpoints, Mapping):
        raise TypeError(
            f"{name} must be a mapping {{step: table}}, got {type(checkpoints).__name__}; "
            "for example {0: weight_at_start, 100: weight_after_100_steps}"
        )
    if len(checkpoints) == 0:
        raise ValueError(f"{name} is empty: record at least one table, e.g. {{0: weight}}")
    steps = sorted(checkpoints)
    for step in steps:
        check_count(step, f"a step (key) of {name}", low=0)
    tables = [check_table(checkpoints[s], f"{name}[{s}]", min_rows=2, finite=True) for s in steps]
    shape = tables[-1].shape
    for step, table in zip(steps, tables, strict=True):
        if table.shape != shape:
            raise ValueError(
                f"{name}[{step}] has shape {tuple(table.shape)} but {name}[{steps[-1]}] has "
                f"{tuple(shape)}; every checkpoint must be the same table at another step"
            )
    if rows is not None and shape[0] != rows:
        raise ValueError(
            f"each table in {name} has {shape[0]} rows but groups has {rows} entries; "
            "give one group per row"
        )
    return steps, tables


def _project(tables: Sequence[torch.Tensor]) -> list[torch.Tensor]:
    """Unit-length rows of every table, through one PCA fitted on the last."""
    unit = [F.normalize(table.double(), dim=1) for table in tables]
    pca = fit_pca(unit[-1])
    return [pca(table) for table in unit]  # each (rows, 2)


def _limits(frames: Sequence[torch.Tensor]) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits holding every point of every frame, with a margin."""
    points = torch.cat(list(frames))
    low, high = points.min(dim=0).values, points.max(dim=0).values
    pad = 0.08 * (high - low).clamp_min(1e-6)
    return (
        (float(low[0] - pad[0]), float(high[0] + pad[0])),
        (float(low[1] - pad[1]), float(high[1] + pad[1])),
    )


@dataclass
class _Frames:
    """One projection figure whose points and labels are moved to each frame's positions."""

    fig: Figure
    groups: tuple[str | None, ...]
    labels: tuple[str, ...] | None
    moves: list = field(default_factory=list)  # (artist, row indices), filled in __post_init__
    fitted: object = None  # the run whose frames the axis limits hold

    def __post_init__(self) -> None:
        ax = self.fig.axes[0]
        for collection in ax.collections:
            gid = collection.get_gid() or ""
            if gid.startswith("group:"):
                name = gid.removeprefix("group:")
                rows = [i for i, g in enumerate(self.groups) if str(g) == name]
                self.moves.append((collection, rows))
        for text in ax.texts:
            gid = text.get_gid() or ""
            if gid.startswith("label:") and self.labels is not None:
                self.moves.append((text, [self.labels.index(gid.removeprefix("label:"))]))

    def show(self, xy: torch.Tensor, title: str) -> None:
        points = xy.double().numpy()
        for artist, rows in self.moves:
            if hasattr(artist, "set_offsets"):
                artist.set_offsets(points[rows])
            else:
                artist.xy = tuple(points[rows[0]])
        self.fig.axes[0].set_title(title, fontsize=SMALL + 1)

    def fit(self, frames: Sequence[torch.Tensor], run: object) -> None:
        """Axis limits holding a new run's frames (a full redraw, once per run)."""
        if run != self.fitted:
            (x0, x1), (y0, y1) = _limits(frames)
            self.fig.axes[0].set(xlim=(x0, x1), ylim=(y0, y1))
            self.fitted = run


def _new_frames(
    first: torch.Tensor,
    limits: tuple[tuple[float, float], tuple[float, float]],
    groups: tuple[str | None, ...],
    labels: tuple[str, ...] | None,
    annotate: Collection[str],
) -> _Frames:
    fig = plot_projection(first, groups, labels=labels, annotate=annotate, limits=limits, title=" ")
    return _Frames(fig, groups, labels)


def _check_common(
    groups: object, labels: object, annotate: object, rows: int | None
) -> tuple[tuple[str | None, ...], tuple[str, ...] | None]:
    groups = check_strings(groups, "groups", allow_none=True)
    if rows is not None and len(groups) != rows:
        raise ValueError(f"groups has {len(groups)} entries but each table has {rows} rows")
    if labels is not None:
        labels = check_strings(labels, "labels", count=len(groups), count_of="groups")
    if isinstance(annotate, str):
        raise TypeError(f"annotate must be a collection of labels, got the string {annotate!r}")
    return groups, labels


def projection_player(
    checkpoints: Mapping[int, torch.Tensor],
    groups: Sequence[str | None],
    *,
    labels: Sequence[str] | None = None,
    annotate: Collection[str] = (),
) -> widgets.VBox:
    """Return a kernel-free player over the table's 2-D projection at each checkpoint.

    ``checkpoints`` maps a training step to the table at that step; ``groups`` gives each row's
    group (None: no group, drawn grey). The root widget has the CSS class ``embedlib-frames``;
    a Play button and a slider switch the frames in the browser, with no kernel.

    >>> g = torch.Generator().manual_seed(0)
    >>> start = torch.randn(6, 4, generator=g)
    >>> player = projection_player({0: start, 10: start + 0.1, 20: start + 0.2},
    ...                            ["a", "a", "b", "b", "c", None])
    >>> controls, picture = player.children
    >>> len(picture.children[0].children), player._dom_classes
    (3, ('embedlib-frames',))
    """
    groups, labels = _check_common(groups, labels, annotate, None)
    steps, tables = _check_checkpoints(checkpoints, len(groups))
    frames = _project(tables)
    view = _new_frames(frames[0], _limits(frames), groups, labels, annotate)
    renderer = BlitRenderer(view.fig)  # 2x pixels, shown at the figure's natural size
    pictures = []
    for step, xy in zip(steps, frames, strict=True):
        view.show(xy, f"step {step}")
        alt = f"{_DESCRIPTION}, at training step {step}"
        pictures.append(frame_html(renderer.render(palette=True), alt))
    positions = [f"step {s} of {steps[-1]}" for s in steps]
    return kernel_free(
        {"": pictures}, choose="", slide="checkpoint", positions=positions, play=True
    )


def _check_choices(
    train: object, embedding_dims: Sequence[int], lrs: Sequence[float], dim: int, lr: float
) -> tuple[list[int], list[float]]:
    if not callable(train):
        raise TypeError(
            f"train must be a function (embedding_dim, lr) -> {{step: table}}, got "
            f"{type(train).__name__}"
        )
    dims = [check_count(d, "each of embedding_dims", low=2) for d in embedding_dims]
    if dim not in dims:
        raise ValueError(f"embedding_dim={dim} must be one of embedding_dims={dims}")
    rates = list(lrs)
    if lr not in rates:
        raise ValueError(f"lr={lr} must be one of lrs={rates}")
    return dims, rates


class _LastRun:
    """``train(dim, lr)``'s checkpoints, checked and projected; the last run is kept (only one:
    the tables of a big run are not small)."""

    def __init__(self, train: Callable, rows: int) -> None:
        self.train, self.rows, self.key, self.steps, self.frames = train, rows, None, None, []

    def __call__(self, dim: int, rate: float) -> list[torch.Tensor]:
        if (dim, rate) != self.key:
            steps, tables = _check_checkpoints(self.train(dim, rate), self.rows, "train(...)")
            if self.steps is not None and steps != self.steps:
                raise ValueError(
                    f"train returned checkpoints at steps {steps}, but the step slider has "
                    f"{self.steps}; record the same steps in every run"
                )
            self.key, self.steps, self.frames = (dim, rate), steps, _project(tables)
        return self.frames


def projection_explorer(
    train: Callable[[int, float], Mapping[int, torch.Tensor]],
    groups: Sequence[str | None],
    *,
    labels: Sequence[str] | None = None,
    annotate: Collection[str] = (),
    embedding_dims: Sequence[int] = (2, 4, 8, 16, 32),
    lrs: Sequence[float] = (0.005, 0.02, 0.05, 0.1, 0.3),
    embedding_dim: int = 16,
    lr: float = 0.05,
) -> LiveFigure:
    """Return a live explorer: pick embedding_dim and lr to retrain, move ``step`` to scrub.

    ``train(embedding_dim, lr)`` (the notebook's loop) returns ``{step: table}``, the same steps
    every run; the step slider only moves the points. On the website (no kernel) the root, CSS
    class ``embedlib-live``, shows as a static card.

    >>> g = torch.Generator().manual_seed(0)
    >>> def train(embedding_dim, lr):
    ...     start = torch.randn(6, embedding_dim, generator=g)
    ...     return {0: start, 5: start * (1 + lr)}
    >>> explorer = projection_explorer(train, ["a", "a", "b", "b", "c", "c"])
    >>> explorer.controls["step"].options, explorer.controls["step"].value
    ((('step 0', 0), ('step 5', 5)), 5)
    >>> explorer.controls["embedding_dim"].value = 4
    >>> explorer.figure.axes[0].get_title()
    'embedding_dim=4, lr=0.05: step 5'
    """
    dims, rates = _check_choices(train, embedding_dims, lrs, embedding_dim, lr)
    groups, labels = _check_common(groups, labels, annotate, None)
    run = _LastRun(train, len(groups))
    frames, steps = run(embedding_dim, lr), run.steps
    view_frames = _new_frames(frames[-1], _limits(frames), groups, labels, annotate)
    view_frames.fitted = (embedding_dim, lr)
    dim_control = widgets.Dropdown(options=dims, value=embedding_dim, description="embedding_dim")
    lr_control = widgets.Dropdown(options=rates, value=lr, description="lr")
    positions = [(f"step {s}", s) for s in steps]
    step_control = widgets.SelectionSlider(options=positions, value=steps[-1], description="step")

    def draw() -> str:
        run_key = (dim_control.value, lr_control.value)
        new_frames = run(*run_key)
        view_frames.fit(new_frames, run_key)
        xy = new_frames[steps.index(step_control.value)]
        title = f"embedding_dim={run_key[0]}, lr={run_key[1]:g}: step {step_control.value}"
        view_frames.show(xy, title)
        return f"{_DESCRIPTION}; {title}"

    controls = {"embedding_dim": dim_control, "lr": lr_control, "step": step_control}
    return LiveFigure(view_frames.fig, controls, draw)
