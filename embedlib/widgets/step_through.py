"""Step through an optimizer's updates of a small embedding table: which rows move, step by step.

``step_through`` is the live form (a running kernel reruns ``trace_updates`` on every control
change); ``step_through_frames`` is the kernel-free form: every step of several settings is
precomputed and the browser switches between the frames. Both draw the same step figure.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import torch

from embedlib.plots._figure import check_items
from embedlib.plots.updates import _show_refusal, _show_step, _step_figure
from embedlib.trace import RefusedCombination, trace_updates
from embedlib.widgets.blit import BlitRenderer
from embedlib.widgets.frames import frame_html, kernel_free
from embedlib.widgets.live import LiveFigure

__all__ = ["step_through", "step_through_frames"]

_SCHEDULE = ([1, 2], [3], [3], [4], [5, 1], [3])
_SETTINGS: tuple[tuple[str, type, Mapping[str, Any]], ...] = (
    ("SGD", torch.optim.SGD, {"lr": 0.1}),
    ("SGD, momentum 0.9", torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
    ("SGD, weight decay 0.1", torch.optim.SGD, {"lr": 0.1, "weight_decay": 0.1}),
    ("Adam", torch.optim.Adam, {"lr": 0.1}),
    ("SparseAdam, sparse=True", torch.optim.SparseAdam, {"lr": 0.1, "sparse": True}),
    ("Adagrad", torch.optim.Adagrad, {"lr": 0.1}),
)
_OPTIMIZERS = {cls.__name__: cls for cls in (torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW,
               torch.optim.SparseAdam, torch.optim.Adagrad, torch.optim.RMSprop)}  # fmt: skip


def step_through_frames(
    settings: Sequence[tuple[str, type, Mapping[str, Any]]] = _SETTINGS,
    schedule: Sequence[Any] = _SCHEDULE,
    *,
    num_embeddings: int = 8,
    embedding_dim: int = 4,
) -> widgets.VBox:
    """Return a kernel-free demo: an optimizer Dropdown, a step slider and a Play button.

    ``settings`` are ``(label, optimizer class, keyword arguments)``; the keywords go to
    ``trace_updates`` (e.g. ``sparse=True``) and on to the optimizer (e.g. ``lr=0.1``). A
    combination PyTorch refuses shows PyTorch's message at every step.

    >>> demo = step_through_frames([("SGD", torch.optim.SGD, {"lr": 0.1})], [[1], [2]])
    >>> [type(c).__name__ for c in demo.children[0].children[0].children]  # no choice to make
    ['Play', 'SelectionSlider']
    """
    example = "[('SGD', torch.optim.SGD, {'lr': 0.1})]"
    if any(
        len(s) != 3 or not isinstance(s[2], Mapping)
        for s in check_items(settings, "settings", tuple, example)
    ):
        raise ValueError(f"each setting must be (label, optimizer class, kwargs), e.g. {example}")
    fig = _step_figure(num_embeddings, embedding_dim)  # checks the table size first
    size = {"num_embeddings": num_embeddings, "embedding_dim": embedding_dim}
    results = {label: trace_updates(schedule, cls, **size, **kw) for label, cls, kw in settings}
    renderer = BlitRenderer(fig)  # one figure for every frame: only the data is redrawn
    frames: dict[str, list[str]] = {}
    for label, result in results.items():
        for step, batch in enumerate(schedule):
            caption = f"step {step}: looked up {torch.as_tensor(batch).flatten().tolist()}"
            refused = isinstance(result, RefusedCombination)
            alt = _show_refusal(fig, result) if refused else _show_step(fig, result, step)
            frames.setdefault(label, []).append(
                frame_html(renderer.render(palette=True), alt, caption)
            )
    positions = [str(step) for step in range(len(schedule))]
    return kernel_free(frames, choose="optimizer", slide="step", positions=positions, play=True)


def step_through(
    schedule: Sequence[Any] = _SCHEDULE,
    *,
    num_embeddings: int = 12,
    embedding_dim: int = 6,
    optimizer: type = torch.optim.SGD,
) -> LiveFigure:
    """Return a live view (needs a kernel): its controls rerun ``trace_updates``, redraw a step.

    Controls: optimizer (a torch.optim class), sparse, lr, momentum and weight_decay (disabled
    where the optimizer has no such option), step. A combination PyTorch refuses shows
    PyTorch's message in place of the plot. End a cell with it to show it.

    >>> view = step_through([[1], [2]], num_embeddings=4, embedding_dim=2)
    >>> list(view.controls)
    ['optimizer', 'sparse', 'lr', 'momentum', 'weight_decay', 'step']
    >>> view.controls["optimizer"].value = torch.optim.Adagrad
    >>> view.controls["momentum"].disabled
    True
    """
    if optimizer not in _OPTIMIZERS.values():
        raise ValueError(f"optimizer must be one of torch.optim.{', '.join(_OPTIMIZERS)}, "
                         f"got {optimizer!r}")  # fmt: skip
    fig = _step_figure(num_embeddings, embedding_dim)  # checks the table size first
    size = {"num_embeddings": num_embeddings, "embedding_dim": embedding_dim}
    trace_updates(schedule, torch.optim.SGD, **size)  # checks the schedule
    controls = {
        "optimizer": widgets.Dropdown(options=list(_OPTIMIZERS.items()), value=optimizer),
        "sparse": widgets.Checkbox(value=False),
        "lr": widgets.FloatSlider(value=0.1, min=0.01, max=1.0, step=0.01),
        "momentum": widgets.FloatSlider(value=0.0, min=0.0, max=0.99, step=0.01),
        "weight_decay": widgets.FloatSlider(value=0.0, min=0.0, max=0.5, step=0.01),
        "step": widgets.IntSlider(value=0, min=0, max=len(schedule) - 1),
    }

    def draw() -> str:
        accepted = inspect.signature(controls["optimizer"].value).parameters
        options = {name: controls[name].value for name in ("lr", "momentum", "weight_decay")}
        for name in options:
            controls[name].disabled = name not in accepted
        options = {name: value for name, value in options.items() if name in accepted and value}
        result = trace_updates(schedule, controls["optimizer"].value, **size,
                               sparse=controls["sparse"].value, **options)  # fmt: skip
        if isinstance(result, RefusedCombination):
            return _show_refusal(fig, result)
        return _show_step(fig, result, controls["step"].value)

    return LiveFigure(fig, controls, draw)
