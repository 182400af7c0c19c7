"""What the Chinese edition translates, and how much of it is translated.

* **Outputs stay as they are.** myst-nb parses ``text/markdown`` outputs as MyST (the result tables
  of chapters 5 and 7), so Sphinx's gettext would extract their cells ("kind", "`embedding.weight`")
  as prose to translate. Every text element of a code cell's output is marked not translatable
  before Sphinx's ``Locale`` transform (priority 20) and the gettext builder see it. Code cells'
  sources are literal blocks, which Sphinx never extracts (``gettext_additional_targets`` is
  empty). In a translated build, code cells (source and outputs) are marked ``lang="en"``, so
  screen readers and fonts treat them as the English they are.
* **A report of what is not translated.** Sphinx's ``Locale`` transform leaves a paragraph in
  English when its catalog has no translation, when the English text changed since the catalog
  was updated, or when a translation does not parse as a single paragraph (it drops it without a
  warning). In a translated build each page's count of messages (its prose, as the catalogs have
  it: not the alt text of output images) goes to ``<doctreedir>/translation_progress.json``, with
  the English text of each untranslated one, for the tests to name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util.nodes import extract_messages

__all__ = ["REPORT_NAME", "setup"]

REPORT_NAME = "translation_progress.json"
OUTPUT_ELEMENT = "cell_code_output"
CELL_ELEMENT = "cell_code"


def _translated_build(app: Sphinx) -> bool:
    return (app.config.language or "en") != "en"


class KeepOutputsUntranslated(SphinxTransform):
    """Mark every text element inside a code cell's output ``translatable = False``."""

    default_priority = 15  # before sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs: Any) -> None:
        for output in self.document.findall(nodes.container):
            if output.get("nb_element") != OUTPUT_ELEMENT:
                continue
            for element in output.findall(nodes.TextElement):
                element["translatable"] = False


def _mark_code_cells_english(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not _translated_build(app):
        return
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") == CELL_ELEMENT and "language-en" not in cell["classes"]:
            cell["classes"].append("language-en")  # docutils writes it as lang="en"


def _in_output(node: nodes.Node) -> bool:
    while node is not None:
        if isinstance(node, nodes.container) and node.get("nb_element") == OUTPUT_ELEMENT:
            return True
        node = node.parent
    return False


def _record_progress(app: Sphinx, doctree: nodes.document) -> None:
    if not _translated_build(app) or app.builder.format != "html":
        return
    # A figure's alt text is a message to Sphinx wherever the figure is (is_translatable), but the
    # alt text of a code cell's output image comes from the cell's metadata and stays English, as
    # the output does: the gettext builder never extracts it, so it is not counted here either.
    messages = [(node, text) for node, text in extract_messages(doctree) if not _in_output(node)]
    untranslated = [message for node, message in messages if node.get("translated") is False]
    app.env.translation_progress = getattr(app.env, "translation_progress", {})
    app.env.translation_progress[app.env.docname] = {
        "total": len(messages),
        "translated": sum(node.get("translated") is True for node, _ in messages),
        "untranslated": untranslated,
    }


def _purge(app: Sphinx, env: Any, docname: str) -> None:
    getattr(env, "translation_progress", {}).pop(docname, None)


def _write_report(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not _translated_build(app) or app.builder.format != "html":
        return
    progress = getattr(app.env, "translation_progress", {})
    report = {name: progress.get(name, {}) for name in sorted(app.env.found_docs)}
    path = Path(app.doctreedir) / REPORT_NAME
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the transform and hooks (Sphinx entry point)."""
    app.add_transform(KeepOutputsUntranslated)
    app.connect("doctree-read", _record_progress)
    app.connect("doctree-resolved", _mark_code_cells_english)
    app.connect("env-purge-doc", _purge)
    app.connect("build-finished", _write_report)
    return {"version": "1.0", "parallel_read_safe": False, "parallel_write_safe": True}
