"""Shared widget pieces: render a Figure to PNG, switch precomputed frames, wire a live view.

Two forms of every demo:

* kernel-free (the website): every frame is rendered once into an ``Output`` inside a ``Stack``;
  a slider, ``Play`` or ``Dropdown`` is ``jslink``-ed to the Stack, so the browser switches
  frames with no Python running;
* live (JupyterLab): ``LiveView`` re-renders one figure whose artists the caller updates in place.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import Image
from matplotlib.figure import Figure

from embedlib.widgets.blit import BlitRenderer

__all__ = [
    "LiveView",
    "frame_player",
    "frame_selector",
    "png_player",
    "png_selector",
    "render_png",
]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def render_png(fig: Figure, *, dpi: int = 72) -> bytes:
    """Return ``fig`` rendered as PNG bytes (no display, no global state).

    >>> import matplotlib.pyplot as plt
    >>> with plt.ioff():
    ...     fig, ax = plt.subplots(figsize=(1, 1))
    >>> render_png(fig)[:4]
    b'\\x89PNG'
    >>> plt.close(fig)
    """
    if not isinstance(fig, Figure):
        raise TypeError(
            f"fig must be a matplotlib Figure, got {type(fig).__name__}; "
            "pass the Figure an embedlib plot function returns"
        )
    if dpi <= 0:
        raise ValueError(f"dpi must be a positive number of dots per inch, got {dpi}")
    buffer = io.BytesIO()
    # Fixed metadata keeps the bytes identical run to run.
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _png_output(png: bytes) -> widgets.Output:
    """An Output holding one PNG, filled without a kernel round trip."""
    out = widgets.Output()
    out.append_display_data(Image(data=png, format="png"))
    return out


def _check_pngs(pngs: Sequence[bytes], labels: Sequence[str], what: str = "pngs") -> None:
    if len(pngs) == 0:
        raise ValueError(f"{what} is empty: pass at least one frame to show")
    if len(labels) != len(pngs):
        raise ValueError(
            f"labels has {len(labels)} entries but {what} has {len(pngs)}; "
            "give exactly one label per frame"
        )
    for i, png in enumerate(pngs):
        if not isinstance(png, bytes | bytearray) or not png.startswith(_PNG_SIGNATURE):
            raise TypeError(
                f"{what}[{i}] must be PNG bytes (e.g. from render_png), got {type(png).__name__}"
            )


def _render_all(figures: Sequence[Figure], dpi: int) -> list[bytes]:
    """Render each figure once and close it."""
    for i, fig in enumerate(figures):
        if not isinstance(fig, Figure):
            raise TypeError(f"figures[{i}] must be a matplotlib Figure, got {type(fig).__name__}")
    pngs = []
    for fig in figures:
        pngs.append(render_png(fig, dpi=dpi))
        plt.close(fig)
    return pngs


def png_player(
    pngs: Sequence[bytes],
    labels: Sequence[str],
    *,
    description: str = "step",
    play: bool = True,
    interval_ms: int = 700,
) -> widgets.VBox:
    """Return a kernel-free player over already-rendered PNG frames: a slider (and Play button).

    >>> from embedlib.plots._figure import new_figure
    >>> fig, ax = new_figure(figsize=(1, 1))
    >>> player = png_player([render_png(fig)] * 3, ["a", "b", "c"], play=False)
    >>> slider, caption = player.children[0].children
    >>> len(player.children[-1].children), slider.max, caption.children[2].value
    (3, 2, 'c')
    """
    _check_pngs(pngs, labels)
    if interval_ms <= 0:
        raise ValueError(
            f"interval_ms must be a positive number of milliseconds, got {interval_ms}"
        )
    last = len(pngs) - 1
    stack = widgets.Stack([_png_output(png) for png in pngs], selected_index=0)
    slider = widgets.IntSlider(value=0, min=0, max=last, description=description)
    caption = widgets.Stack([widgets.Label(str(label)) for label in labels], selected_index=0)
    widgets.jslink((slider, "value"), (stack, "selected_index"))
    widgets.jslink((slider, "value"), (caption, "selected_index"))
    controls: list[widgets.Widget] = [slider, caption]
    if play:
        player = widgets.Play(value=0, min=0, max=last, interval=interval_ms, description="play")
        widgets.jslink((player, "value"), (slider, "value"))
        controls.insert(0, player)
    return widgets.VBox([widgets.HBox(controls), stack])


def png_selector(pngs_by_label: Mapping[str, bytes], *, description: str = "show") -> widgets.VBox:
    """Return a kernel-free selector over already-rendered PNG frames: a Dropdown.

    >>> from embedlib.plots._figure import new_figure
    >>> fig, ax = new_figure(figsize=(1, 1))
    >>> selector = png_selector({"sgd": render_png(fig), "adam": render_png(fig)})
    >>> selector.children[0].options, len(selector.children[1].children)
    (('sgd', 'adam'), 2)
    """
    labels = list(pngs_by_label)
    _check_pngs(list(pngs_by_label.values()), labels, "pngs_by_label")
    stack = widgets.Stack([_png_output(png) for png in pngs_by_label.values()], selected_index=0)
    dropdown = widgets.Dropdown(options=labels, index=0, description=description)
    widgets.jslink((dropdown, "index"), (stack, "selected_index"))
    return widgets.VBox([dropdown, stack])


def frame_player(
    figures: Sequence[Figure],
    labels: Sequence[str],
    *,
    description: str = "step",
    play: bool = True,
    interval_ms: int = 700,
    dpi: int = 72,
) -> widgets.VBox:
    """Return a kernel-free player: a slider (and Play button) switching precomputed frames.

    The figures are rendered and closed here (then see ``png_player``); the returned widget
    needs no kernel to work.

    >>> import matplotlib.pyplot as plt
    >>> with plt.ioff():
    ...     figs = [plt.subplots(figsize=(1, 1))[0] for _ in range(3)]
    >>> player = frame_player(figs, ["a", "b", "c"])
    >>> stack = player.children[-1]
    >>> len(stack.children), stack.selected_index
    (3, 0)
    """
    if len(figures) == 0:
        raise ValueError("figures is empty: pass at least one Figure to show")
    if len(labels) != len(figures):
        raise ValueError(
            f"labels has {len(labels)} entries but figures has {len(figures)}; "
            "give exactly one label per frame"
        )
    if interval_ms <= 0:  # before rendering anything
        raise ValueError(
            f"interval_ms must be a positive number of milliseconds, got {interval_ms}"
        )
    pngs = _render_all(figures, dpi)
    return png_player(pngs, labels, description=description, play=play, interval_ms=interval_ms)


def frame_selector(
    figures_by_label: Mapping[str, Figure],
    *,
    description: str = "show",
    dpi: int = 72,
) -> widgets.VBox:
    """Return a kernel-free selector: a Dropdown switching precomputed frames.

    The figures are rendered and closed here (then see ``png_selector``).

    >>> import matplotlib.pyplot as plt
    >>> with plt.ioff():
    ...     figs = {name: plt.subplots(figsize=(1, 1))[0] for name in ["sgd", "adam"]}
    >>> selector = frame_selector(figs)
    >>> selector.children[0].options, selector.children[1].selected_index
    (('sgd', 'adam'), 0)
    """
    if len(figures_by_label) == 0:
        raise ValueError("figures_by_label is empty: pass at least one Figure to show")
    pngs = _render_all(list(figures_by_label.values()), dpi)
    return png_selector(dict(zip(figures_by_label, pngs, strict=True)), description=description)


class LiveView:
    """A live figure: controls call ``update`` (it edits the artists), then the figure re-renders.

    Errors raised by ``update`` are shown, type and message, under the image; the image keeps
    its last good frame. While the axes limits stay put, a re-render redraws only the data
    artists over a cached bitmap of the rest (see ``BlitRenderer``).

    >>> import matplotlib.pyplot as plt, ipywidgets as widgets
    >>> with plt.ioff():
    ...     fig, ax = plt.subplots(figsize=(2, 1))
    >>> (line,) = ax.plot([0, 1], [0, 0])
    >>> height = widgets.FloatSlider(value=0.0, min=-1, max=1)
    >>> view = LiveView(fig, [height], lambda: line.set_ydata([0, height.value]))
    >>> before = view.image.value
    >>> height.value = 0.5
    >>> view.image.value != before
    True
    >>> plt.close(fig)
    """

    def __init__(
        self,
        fig: Figure,
        controls: Sequence[widgets.ValueWidget],
        update: Callable[[], None],
        *,
        dpi: int = 72,
    ) -> None:
        if not isinstance(fig, Figure):
            raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
        if not callable(update):
            raise TypeError("update must be a callable taking no arguments that edits the figure")
        self.fig = fig
        self.update = update
        self.dpi = dpi
        self.renderer = BlitRenderer(fig, dpi=dpi)  # redraws only the artists that change
        self.image = widgets.Image(format="png")
        self.errors = widgets.Output()
        self.controls = list(controls)
        for control in self.controls:
            control.observe(self._on_change, names="value")
        self.widget = widgets.VBox([widgets.HBox(self.controls), self.image, self.errors])
        self.refresh()

    def _on_change(self, _change: dict) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Run ``update`` and re-render; show its error instead if it raises."""
        self.errors.outputs = ()
        try:
            self.update()
        except Exception as error:  # shown to the reader, not swallowed
            self.errors.append_stdout(f"{type(error).__name__}: {error}\n")
            return
        self.image.value = self.renderer.render()
