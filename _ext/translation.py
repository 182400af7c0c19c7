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
  warning). In a translated build each page's count of messages (Sphinx's
  ``translation_progress``) goes to ``<doctreedir>/translation_progress.json``, and the English
  text of each untranslated one with it, for the tests to name.
* **What Sphinx's gettext does not reach.** The part captions of the table of contents are
  inserted by sphinx-external-toc (``InsertToctrees``, priority 100) after the ``Locale``
  transform (priority 20) has run, so they stayed English although the landing page's catalog
  translates them: they are looked up in that catalog once the page is read. Sphinx sorts a
  translated glossary by its translated terms' code points, an order no reader knows; the
  glossary keeps the English edition's order, by English term (each Chinese term shows its
  English term beside it). The site title and the labels that extensions put on toggles
  ("Show code cell source", "Click to show") are settings, set here per language (``UI``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

__all__ = ["REPORT_NAME", "setup"]

REPORT_NAME = "translation_progress.json"
OUTPUT_ELEMENT = "cell_code_output"
CELL_ELEMENT = "cell_code"
HAN = re.compile(r"[\u4e00-\u9fff]")
# Settings that carry text a reader sees, per language (the first two letters of `language`).
UI = {
    "zh": {
        "html_title": "torch.nn.Embedding 实测详解",
        "nb_code_prompt_show": "显示代码单元格",
        "nb_code_prompt_hide": "隐藏代码单元格",
        "togglebutton_hint": "点击展开",
        "togglebutton_hint_hide": "点击收起",
    }
}


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


def _set_ui_strings(app: Sphinx, config: Config) -> None:
    for name, value in UI.get((config.language or "en")[:2], {}).items():
        config[name] = value


def _translate_toc_captions(app: Sphinx, doctree: nodes.document) -> None:
    """Translate the toctree captions sphinx-external-toc inserted after ``Locale`` ran."""
    config, docname = app.config, app.env.docname
    toctrees = [node for node in doctree.findall(addnodes.toctree) if node.get("caption")]
    if not _translated_build(app) or not toctrees:
        return
    dirs = [str(Path(app.srcdir, folder)) for folder in config.locale_dirs]
    domain = docname_to_domain(docname, config.gettext_compact)
    catalog, _ = init_locale(dirs, config.language, domain)
    for node in toctrees:
        node["caption"] = catalog.gettext(node["caption"])


def _sort_glossary_by_english_term(app: Sphinx, doctree: nodes.document) -> None:
    if not _translated_build(app):
        return
    for glossary in doctree.findall(addnodes.glossary):
        for entries in glossary.findall(nodes.definition_list):
            items = list(entries.children)
            items.sort(key=lambda item: item.next_node(nodes.term)["ids"][0].lower())
            entries.children = items


def _mark_code_cells_english(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not _translated_build(app):
        return
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") == CELL_ELEMENT and "language-en" not in cell["classes"]:
            cell["classes"].append("language-en")  # docutils writes it as lang="en"


def _translated_alt(node: nodes.Node) -> bool:
    """An image whose alt text is in the edition's language (no English alt has Han characters)."""
    return isinstance(node, nodes.image) and HAN.search(node.get("alt", "")) is not None


def _record_progress(app: Sphinx, doctree: nodes.document) -> None:
    if not _translated_build(app) or app.builder.format != "html":
        return
    # Sphinx's Locale replaces an image's alt text (a figure's, here from the cell's metadata)
    # without marking the image translated: a translated alt counts as translated.
    messages = list(extract_messages(doctree))
    untranslated = [
        message
        for node, message in messages
        if node.get("translated") is False and not _translated_alt(node)
    ]
    app.env.translation_progress = getattr(app.env, "translation_progress", {})
    app.env.translation_progress[app.env.docname] = {
        "total": len(messages),
        "translated": len(messages) - len(untranslated),
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
    app.connect("config-inited", _set_ui_strings, priority=100)  # before extensions read them
    app.connect("doctree-read", _translate_toc_captions)
    app.connect("doctree-read", _sort_glossary_by_english_term)
    app.connect("doctree-read", _record_progress)
    app.connect("doctree-resolved", _mark_code_cells_english)
    app.connect("env-purge-doc", _purge)
    app.connect("build-finished", _write_report)
    return {"version": "1.0", "parallel_read_safe": False, "parallel_write_safe": True}
