"""An optimisation a reader can skip: re-render a figure fast when only its data changed.

Nothing here changes what a widget shows; it changes how fast it shows it. ``render`` returns
the same picture as ``fig.savefig`` (tests compare them pixel by pixel), in a fraction of the
time: most of a matplotlib render is text (tick labels, legends, axis labels), and a live widget
usually changes only data (an image's values, bar lengths, a title). So the static part is drawn
once and kept as a bitmap; each update restores it and draws just the artists that change (and
the spines and in-axes legends, which a full draw puts on top of the data). Whenever the layout
changes (axis limits, visibility, figure size), the next render is a full draw again.
"""

from __future__ import annotations

import io

from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from embedlib.plots._figure import DPI

__all__: list[str] = []  # an implementation detail of the widgets


class BlitRenderer:
    """Render ``fig`` to PNG bytes, redrawing only its data artists while the layout stays put.

    >>> from embedlib.plots._figure import new_figure
    >>> fig, ax = new_figure(figsize=(2, 1))
    >>> (line,) = ax.plot([0, 1], [0, 0])
    >>> ax.set_ylim(-1, 1)
    (-1.0, 1.0)
    >>> renderer = BlitRenderer(fig)
    >>> first = renderer.render()
    >>> line.set_ydata([0, 0.5])
    >>> renderer.render() != first, renderer.full_draws
    (True, 1)
    """

    def __init__(self, fig: Figure, *, dpi: float = 2 * DPI) -> None:
        if not isinstance(fig, Figure):
            raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
        if dpi <= 0:
            raise ValueError(f"dpi must be a positive number of dots per inch, got {dpi}")
        self.fig = fig
        fig.set_dpi(dpi)
        self.canvas = FigureCanvasAgg(fig)
        self._background = None
        self._layout: tuple | None = None
        self._legends_on_top: set[int] = set()
        self.full_draws = 0

    def _overlay(self) -> list[Artist]:
        """What is drawn over the cached bitmap, in drawing order.

        Data artists (images, collections, lines, patches, texts, titles) change between
        updates. Spines and legends inside the axes do not, but they must stay on top of the
        data as in a full draw, so each axes' overlay is its data artists, spines and such a
        legend, sorted by zorder. Tick labels, axis labels and legends placed outside the axes
        stay in the bitmap: nothing is drawn over them.
        """
        overlay: list[Artist] = []
        for ax in self.fig.axes:
            if not ax.get_visible():
                continue
            artists = [*ax.images, *ax.collections, *ax.lines, *ax.patches, *ax.texts, ax.title]
            artists += ax.spines.values()
            if ax.legend_ is not None and id(ax.legend_) in self._legends_on_top:
                artists.append(ax.legend_)
            overlay += sorted(artists, key=lambda artist: artist.get_zorder())  # as Axes.draw
        overlay += self.fig.texts  # suptitle included
        return [artist for artist in overlay if artist.get_visible()]

    def _layout_key(self) -> tuple:
        """What the static bitmap depends on; a change forces a full draw."""
        return (
            tuple(self.fig.get_size_inches()),
            tuple(
                (ax.get_visible(), ax.get_xlim(), ax.get_ylim(), ax.get_position().bounds)
                for ax in self.fig.axes
            ),
        )

    def render(self, *, palette: bool = False) -> bytes:
        """Return the figure as PNG bytes, with a full draw only when the layout changed.

        ``palette=True`` (for stored frames) quantizes to 256 colours: a third of the bytes.
        """
        if self._background is None or self._layout_key() != self._layout:
            self._full_draw()
        else:
            self.canvas.restore_region(self._background)
        for artist in self._overlay():
            self.fig.draw_artist(artist)
        image = Image.frombuffer("RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba())
        image = _palette(image) if palette else image.convert("RGB")  # figures are opaque
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=6 if palette else 1)
        return buffer.getvalue()

    def _full_draw(self) -> None:
        """Draw everything but the overlay and keep it as the background bitmap."""
        renderer = self.canvas.get_renderer()
        self._legends_on_top = {  # legends over the axes are redrawn on top of the data
            id(ax.legend_)
            for ax in self.fig.axes
            if ax.legend_ is not None and ax.legend_.get_window_extent(renderer).overlaps(ax.bbox)
        }
        artists = self._overlay()
        animated = [artist.get_animated() for artist in artists]
        for artist in artists:
            artist.set_animated(True)  # left out of the full draw: drawn on top afterwards
        try:
            self.canvas.draw()
        finally:  # a later savefig of the figure draws everything again
            for artist, was_animated in zip(artists, animated, strict=True):
                artist.set_animated(was_animated)
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self._layout = self._layout_key()  # after the draw: a layout engine may move axes
        self.full_draws += 1


def _palette(image: Image.Image) -> Image.Image:
    """256 colours (fast octree), with the colour nearest white snapped to white (background)."""
    image = image.convert("RGB").quantize(256, Image.Quantize.FASTOCTREE)
    colors = image.getpalette()  # [r, g, b, r, g, b, ...]
    triples = [colors[i : i + 3] for i in range(0, len(colors), 3)]
    white = min(range(len(triples)), key=lambda i: sum(255 - c for c in triples[i]))
    colors[3 * white : 3 * white + 3] = [255, 255, 255]
    image.putpalette(colors)
    return image
