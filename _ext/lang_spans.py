"""Mark Chinese text in the English book ``lang="zh"``, so screen readers and fonts switch language.

The glossary gives each term's Chinese name, and chapters quote the Chinese source article. Each
run of Chinese characters (with the CJK punctuation, spaces and ASCII punctuation between them) in
running text becomes ``<span lang="zh">``: docutils writes a ``language-zh`` class as the ``lang``
attribute. Code, literals, math and raw HTML are left alone. Automatic, so terms added later are
marked too; off when the book itself is built in Chinese (``language`` starting with ``zh``).
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

__all__ = ["setup", "split_chinese"]

_HAN = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
CHINESE_RUN = re.compile(rf"{_HAN}+(?:[\s\"'()/.,:;!?-]*{_HAN}+)*")
SKIP = (nodes.FixedTextElement, nodes.literal, nodes.raw, nodes.math, nodes.math_block)


def split_chinese(text: str) -> list[tuple[str, bool]]:
    """Split ``text`` into (piece, is_chinese) pairs, in order.

    >>> split_chinese('**中文：** 词嵌入 / 嵌入 (embedding)')  # doctest: +NORMALIZE_WHITESPACE
    [('**', False), ('中文：', True), ('** ', False), ('词嵌入 / 嵌入', True),
     (' (embedding)', False)]
    >>> split_chinese('no Chinese here')
    [('no Chinese here', False)]
    """
    pieces, start = [], 0
    for match in CHINESE_RUN.finditer(text):
        if match.start() > start:
            pieces.append((text[start : match.start()], False))
        pieces.append((match.group(0), True))
        start = match.end()
    if start < len(text):
        pieces.append((text[start:], False))
    return pieces


def _mark_chinese(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if (app.config.language or "").startswith("zh"):
        return
    for text in list(doctree.findall(nodes.Text)):
        parent = text.parent
        if parent is None or not CHINESE_RUN.search(text.astext()):
            continue
        if isinstance(parent, SKIP) or any(isinstance(a, SKIP) for a in _ancestors(parent)):
            continue
        new = [
            nodes.inline(piece, piece, classes=["language-zh"]) if chinese else nodes.Text(piece)
            for piece, chinese in split_chinese(text.astext())
        ]
        parent.replace(text, new)


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    found = []
    while node.parent is not None:
        node = node.parent
        found.append(node)
    return found


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the hook (Sphinx entry point)."""
    app.connect("doctree-resolved", _mark_chinese)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
