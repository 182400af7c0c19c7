"""An optimisation a reader can skip: re-render a figure fast when only its data changed.

It changes how fast a widget shows a frame, not what it shows (tests compare its frames with a
full render, pixel by pixel). Most of a render is text (ticks, labels, legends), and a widget
update usually changes only data; so the rest is drawn once and kept as a bitmap, and each
update restores it and draws just the data artists (with the spines and in-axes legends, which
belong on top). A layout change (limits, visibility, size) makes the next render a full draw.
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

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        fig.set_dpi(2 * DPI)  # twice the pixels of its natural size
        self.canvas = FigureCanvasAgg(fig)
        self._background = None
        self._layout: tuple | None = None
        self._legends_on_top: set[int] = set()
        self.full_draws = 0

    def _overlay(self) -> list[Artist]:
        """What is drawn over the bitmap, in zorder per axes as ``Axes.draw`` does: the data
        artists, and the spines and in-axes legends that a full draw puts on top of them."""
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
        axes = [(a.get_visible(), a.get_xlim(), a.get_ylim(), a.get_position().bounds)
                for a in self.fig.axes]  # fmt: skip
        return tuple(self.fig.get_size_inches()), tuple(axes)

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
    white = 3 * min(range(len(colors) // 3), key=lambda i: -sum(colors[3 * i : 3 * i + 3]))
    image.putpalette([*colors[:white], 255, 255, 255, *colors[white + 3 :]])
    return image
