"""Accessibility fixes for markup that extensions write (each one names its source).

* myst-nb 1.4.0 writes each hidden cell's toggle as ``<summary aria-label="Toggle hidden
  content">`` around the visible text "Show code cell content". An accessible name that leaves out
  the visible text fails WCAG 2.5.3 (axe: label-content-name-mismatch, serious), and a speech-input
  user who says what they see ("show code cell content") reaches nothing. The summary keeps its
  visible text as its name. (myst_nb/sphinx_.py, ``visit_HideCellInput``; no upstream issue yet.)
* docutils 0.21's HTML5 writer marks each citation of a bibliography (sphinxcontrib-bibtex's
  references page) ``role="doc-biblioentry"`` inside a ``role="list"``: a role deprecated in
  DPUB-ARIA 1.1 and not a list item, so the list has children it may not have (axe:
  aria-required-children, critical). Each citation becomes a ``listitem``.
* The theme's search button: see ``templates/search-button-field.html``.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

__all__ = ["setup", "without_summary_label"]

SUMMARY_WITH_LABEL = '<summary aria-label="Toggle hidden content">'
BIBLIOENTRY = 'role="doc-biblioentry"'


def without_summary_label(fragment: str) -> str:
    """``fragment`` with myst-nb's summary label removed.

    >>> without_summary_label('<summary aria-label="Toggle hidden content">\\n')
    '<summary>\\n'
    """
    return fragment.replace(SUMMARY_WITH_LABEL, "<summary>")


def _override_hide_cell_visitor(app: Sphinx) -> None:
    from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput, visit_HideCellInput

    def visit(self: Any, node: HideCodeCellNode) -> None:
        start = len(self.body)
        visit_HideCellInput(self, node)
        self.body[start:] = [without_summary_label(part) for part in self.body[start:]]

    app.add_node(HideCodeCellNode, override=True, html=(visit, depart_HideCellInput))


def _citations_as_list_items(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if BIBLIOENTRY in context.get("body", ""):
        context["body"] = context["body"].replace(BIBLIOENTRY, 'role="listitem"')


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the hooks (Sphinx entry point)."""
    app.connect("builder-inited", _override_hide_cell_visitor)
    app.connect("html-page-context", _citations_as_list_items)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
