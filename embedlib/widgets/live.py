"""The live form of a demo (needs a running kernel): controls that redraw one figure.

Every live widget is a ``LiveFigure``: an ``ipywidgets.VBox`` that displays itself, so a chapter
ends a cell with it. On the website (no kernel) the site's stylesheet hides its controls and
shows its site note: a labelled still of its first frame.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping

import ipywidgets as widgets
from matplotlib.figure import Figure

from embedlib.widgets.blit import BlitRenderer
from embedlib.widgets.frames import frame_html, style_controls

__all__: list[str] = []  # made by max_norm_explorer, init_explorer and step_through

# The link takes the note's colour (underlined, as every link on the site): the widget styles'
# link blue has a contrast of 4.3:1 on the note's grey, under WCAG's 4.5:1.
SITE_NOTE = (
    '<div class="embedlib-site-note" style="display:none">This one recomputes in JupyterLab '
    '(<a href="run_it_yourself.html" style="color:inherit">how to run it</a>); here it shows '
    "its first picture.</div>"
)


class LiveFigure(widgets.VBox):
    """A figure whose ``draw`` (edit the artists, return alt text) reruns on every control change.

    ``controls`` maps names (their default descriptions) to ipywidgets controls, e.g.
    ``live.controls["lr"].value = 0.5``. An error raised by ``draw`` is shown, type and
    message, under the picture, which keeps its last good frame.

    >>> from embedlib.plots._figure import new_figure
    >>> fig, ax = new_figure(figsize=(2, 1))
    >>> (line,) = ax.plot([0, 1], [0, 0])
    >>> height = widgets.FloatSlider(value=0.0, min=-1, max=1, description="height")
    >>> def draw():
    ...     line.set_ydata([0, height.value])
    ...     return f"a line rising to {height.value}"
    >>> live = LiveFigure(fig, {"height": height}, draw)
    >>> height.value = 0.5
    >>> 'alt="a line rising to 0.5"' in live.image.value
    True
    """

    def __init__(
        self, figure: Figure, controls: Mapping[str, widgets.ValueWidget], draw: Callable[[], str]
    ) -> None:
        self.figure, self.controls, self._draw = figure, dict(controls), draw
        self.renderer = BlitRenderer(figure)  # redraws only the artists that change
        self.image, self.status = widgets.HTML(), widgets.HTML()
        for name, control in self.controls.items():
            control.description = control.description or name  # the dict key, by default
            control.observe(lambda _change: self.refresh(), names="value")
        row = style_controls(list(self.controls.values()))
        super().__init__([row, self.image, self.status, widgets.HTML(SITE_NOTE)])
        self.add_class("embedlib-live")
        self.refresh()

    def refresh(self) -> None:
        """Run ``draw`` and show the new frame, or its error under the last good frame."""
        try:
            alt = self._draw()
        except Exception as error:  # shown to the reader, not swallowed
            message = html.escape(f"{type(error).__name__}: {error}")
            self.status.value = f'<span role="alert" style="color:#b00020">{message}</span>'
            return
        self.status.value = ""
        png = self.renderer.render(palette=not self.image.value)  # the first frame is stored
        self.image.value = frame_html(png, alt)
