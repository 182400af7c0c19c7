"""Step through an optimizer's updates of a small embedding table: which rows move, step by step.

``step_through`` is the live form (a running kernel re-runs ``trace_updates`` on every control
change); ``step_through_frames`` is the kernel-free form: every step of several configurations
is precomputed and the browser switches between the frames.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from embedlib.plots.table import plot_refused, plot_step, update_step_figure
from embedlib.trace import RefusedCombination, UpdateTrace, trace_updates
from embedlib.widgets.blit import BlitRenderer
from embedlib.widgets.frames import LiveView, png_player, render_png

__all__ = ["DEFAULT_CONFIGS", "DEFAULT_SCHEDULE", "step_through", "step_through_frames"]

DEFAULT_SCHEDULE = ([1, 2], [3], [3], [4], [5, 1], [3])
DEFAULT_CONFIGS: Mapping[str, Mapping[str, Any]] = {
    "SGD": {"optimizer": "sgd"},
    "SGD, momentum 0.9": {"optimizer": "sgd", "momentum": 0.9},
    "SGD, weight decay 0.1": {"optimizer": "sgd", "weight_decay": 0.1},
    "Adam": {"optimizer": "adam"},
    "SparseAdam, sparse=True": {"optimizer": "sparse_adam", "sparse": True},
    "Adagrad": {"optimizer": "adagrad"},
}
_LIVE_OPTIMIZERS = ("sgd", "adam", "adamw", "sparse_adam", "adagrad", "rmsprop")
_CLASSES = dict(zip(_LIVE_OPTIMIZERS, (torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW,
                                       torch.optim.SparseAdam, torch.optim.Adagrad,
                                       torch.optim.RMSprop), strict=True))  # fmt: skip


def _trace(schedule, num_embeddings, embedding_dim, optimizer="sgd", lr=0.1, momentum=None,
           weight_decay=None, sparse=False) -> UpdateTrace | RefusedCombination:  # fmt: skip
    """trace_updates from this widget's string names (SparseAdam has no weight_decay)."""
    kwargs = {"lr": lr, "momentum": momentum, "weight_decay": weight_decay}
    if optimizer == "sparse_adam":
        kwargs["weight_decay"] = None
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    return trace_updates(schedule, _CLASSES[optimizer], num_embeddings=num_embeddings,
                         embedding_dim=embedding_dim, sparse=sparse, **kwargs)  # fmt: skip


def _figure(result: UpdateTrace | RefusedCombination, step: int) -> Figure:
    """A step figure for a trace, or PyTorch's refusal message for a refused combination."""
    if isinstance(result, RefusedCombination):
        return plot_refused(result)
    return plot_step(result, step)


def step_through_frames(
    configs: Mapping[str, Mapping[str, Any]] = DEFAULT_CONFIGS,
    schedule: Sequence[Any] = DEFAULT_SCHEDULE,
    *,
    num_embeddings: int = 8,
    embedding_dim: int = 4,
    dpi: int = 72,
) -> widgets.VBox:
    """Return a kernel-free demo: a Dropdown of configurations, each a player over its steps.

    ``configs`` maps a label to ``trace_updates`` keyword arguments. Refused combinations
    show PyTorch's message as their only frame.

    >>> demo = step_through_frames({"SGD": {"optimizer": "sgd"}}, [[1], [2]])
    >>> dropdown, stack = demo.children
    >>> dropdown.options, len(stack.children[0].children[-1].children)
    (('SGD',), 2)
    """
    if len(configs) == 0:
        raise ValueError("configs is empty: pass {label: trace_updates keyword arguments}")
    for label, kwargs in configs.items():
        if not isinstance(kwargs, Mapping):
            raise TypeError(f"configs[{label!r}] must be a dict of trace_updates arguments")
    results = {
        label: _trace(schedule, num_embeddings, embedding_dim, **kwargs)
        for label, kwargs in configs.items()
    }
    # Every step of every traced config has the same layout: draw one figure, update it in
    # place and blit (only the data is redrawn), instead of a full render per frame.
    fig = renderer = None
    players = []
    for result in results.values():
        if isinstance(result, RefusedCombination):
            pngs, labels = [render_png(plot_refused(result), dpi=dpi)], ["refused by PyTorch"]
        else:
            if fig is None:
                fig = plot_step(result, 0)
                renderer = BlitRenderer(fig, dpi=dpi)
            pngs, labels = [], []
            for step in range(len(result.steps)):
                update_step_figure(fig, result, step)
                pngs.append(renderer.render())
                labels.append(f"step {step}: looked up {list(map(int, schedule[step]))}")
        players.append(png_player(pngs, labels, play=False))
    stack = widgets.Stack(players, selected_index=0)
    dropdown = widgets.Dropdown(options=list(configs), index=0, description="optimizer")
    widgets.jslink((dropdown, "index"), (stack, "selected_index"))
    return widgets.VBox([dropdown, stack])


def step_through(
    schedule: Sequence[Any] = DEFAULT_SCHEDULE,
    *,
    num_embeddings: int = 12,
    embedding_dim: int = 6,
    optimizer: str = "sgd",
    dpi: int = 72,
) -> LiveView:
    """Return a live view (needs a kernel): controls re-run ``trace_updates`` and redraw one step.

    Controls, in order: optimizer, sparse, lr, momentum (SGD and RMSprop only), weight_decay,
    step. A refused combination shows PyTorch's message in place of the plot.

    >>> view = step_through([[1], [2]], num_embeddings=4, embedding_dim=2)
    >>> [c.description for c in view.controls]
    ['optimizer', 'sparse', 'lr', 'momentum', 'weight_decay', 'step']
    """
    if optimizer not in _LIVE_OPTIMIZERS:
        raise ValueError(
            f"optimizer must be one of {', '.join(_LIVE_OPTIMIZERS)}, got {optimizer!r}"
        )
    steps = len(schedule)
    if steps == 0:
        raise ValueError("schedule is empty: pass at least one batch of ids, e.g. [[1, 2], [3]]")
    controls = {
        "optimizer": widgets.Dropdown(options=_LIVE_OPTIMIZERS, value=optimizer),
        "sparse": widgets.Checkbox(value=False),
        "lr": widgets.FloatSlider(value=0.1, min=0.01, max=1.0, step=0.01),
        "momentum": widgets.FloatSlider(value=0.0, min=0.0, max=0.99, step=0.01),
        "weight_decay": widgets.FloatSlider(value=0.0, min=0.0, max=0.5, step=0.01),
        "step": widgets.IntSlider(value=0, min=0, max=steps - 1),
    }
    for name, control in controls.items():
        control.description = name

    def run() -> UpdateTrace | RefusedCombination:
        name = controls["optimizer"].value
        momentum = controls["momentum"].value if name in ("sgd", "rmsprop") else None
        return _trace(
            schedule, num_embeddings, embedding_dim, optimizer=name,
            sparse=controls["sparse"].value, lr=controls["lr"].value, momentum=momentum,
            weight_decay=controls["weight_decay"].value,
        )  # fmt: skip

    first = _trace(schedule, num_embeddings, embedding_dim)
    fig = _figure(first, 0)
    heat_ax, bar_ax = fig.axes[0], fig.axes[1]
    refusal = fig.text(0.5, 0.5, "", ha="center", va="center", fontsize=9, color="darkred",
                       wrap=True)  # fmt: skip

    def update() -> None:
        result = run()
        refused = isinstance(result, RefusedCombination)
        for ax in (heat_ax, bar_ax, *fig.axes[2:]):  # the colour-less panels and any legend axes
            ax.set_visible(not refused)
        if refused:
            fig.suptitle("")
            refusal.set_text(
                f"PyTorch refused {result.config.label}:\n{result.error_type}: {result.message}"
            )
            return
        refusal.set_text("")
        update_step_figure(fig, result, controls["step"].value)

    return LiveView(fig, list(controls.values()), update, dpi=dpi)


def _figures_png_bytes(demo: widgets.Widget) -> int:
    """Total PNG bytes held by the Outputs inside a kernel-free demo (for the page budget)."""
    if isinstance(demo, widgets.Output):
        return sum(len(o["data"]["image/png"]) * 3 // 4 for o in demo.outputs if "data" in o)
    return sum(_figures_png_bytes(child) for child in getattr(demo, "children", ()))
