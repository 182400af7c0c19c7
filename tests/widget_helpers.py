"""What a reader of a widget sees: its frames (PNG bytes and alt text), compared pixel by pixel."""

from __future__ import annotations

import base64
import html
import io
import re

import numpy as np
from PIL import Image

IMG = re.compile(
    r'<img class="embedlib-frame" width="(\d+)" alt="([^"]*)" src="data:image/png;base64,([^"]+)"'
)


def frames_in(widget) -> list[tuple[bytes, str]]:
    """Every frame (PNG bytes, alt text) held by the HTML widgets in a widget tree, in order."""
    found = []
    value = getattr(widget, "value", "")
    for match in IMG.finditer(value if isinstance(value, str) else ""):
        found.append((base64.b64decode(match.group(3)), html.unescape(match.group(2))))
    for child in getattr(widget, "children", ()):
        found += frames_in(child)
    return found


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def differing_fraction(a: bytes, b: bytes) -> float:
    """The share of pixels that differ between two PNGs of the same size."""
    left, right = pixels(a), pixels(b)
    assert left.shape == right.shape
    return float(np.any(np.abs(left - right) > 24, axis=-1).mean())  # 24: palette rounding
