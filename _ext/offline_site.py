"""Serve the website's JavaScript from the book itself, so every page works offline.

* ``_vendor/`` (filled by ``make vendor`` from the npm registry) is published under ``_static/``.
  It is added to ``html_static_path`` here, at ``config-inited``, and not in ``_config.yml``:
  jupyter-book injects a ``<script>``/``<link>`` for every .js/.css under every static path into
  every page as soon as a ``_static/`` folder exists, which would load all of MathJax everywhere.
  The pages load the files they need through ``nb_ipywidgets_js`` and ``mathjax_path``.
* The pages load MathJax and the widget manager themselves, when they need them: see
  ``page_assets.py`` and ``static/page_assets.js`` (which also gives ipywidgets the MathJax 2
  ``Hub`` it expects from the MathJax 3 the book serves).
* Outputs that link a stylesheet from a CDN (matplotlib's ``to_jshtml`` links FontAwesome 4 from
  a CDN) lose that ``<link>``: the theme already ships FontAwesome, and pages make no request to
  another host.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

__all__ = ["setup", "strip_remote_stylesheets"]

VENDOR_DIR = "_vendor"
VENDORED_FILES = ("jupyter-widgets/embed.js", "mathjax/tex-mml-chtml.js")
REMOTE_STYLESHEET = re.compile(
    r"""<link\b[^>]*\bhref=["']?(?:https?:)?//[^>]*>\s*""", flags=re.IGNORECASE
)

logger = logging.getLogger(__name__)


def strip_remote_stylesheets(html: str) -> str:
    """Return ``html`` without ``<link>`` tags whose href is on another host.

    >>> strip_remote_stylesheets('<link rel="stylesheet" href="https://cdn.x/fa.css">\\n<p>ok</p>')
    '<p>ok</p>'
    >>> strip_remote_stylesheets('<link rel="stylesheet" href="_static/local.css">')
    '<link rel="stylesheet" href="_static/local.css">'
    """
    return REMOTE_STYLESHEET.sub("", html)


def _publish_vendor_dir(app: Sphinx, config: Config) -> None:
    vendor = Path(app.confdir) / VENDOR_DIR
    missing = [name for name in VENDORED_FILES if not (vendor / name).is_file()]
    if missing:
        logger.warning(
            "offline_site: %s missing from %s; run `make vendor` to fetch the website's JavaScript",
            ", ".join(missing),
            vendor,
        )
        return
    if str(vendor) not in config.html_static_path:
        config.html_static_path.append(str(vendor))


def _strip_remote_links_from_outputs(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for raw in doctree.findall(nodes.raw):
        if "html" not in raw.get("format", "").split():
            continue
        text = raw.astext()
        cleaned = strip_remote_stylesheets(text)
        if cleaned != text:
            raw.children = [nodes.Text(cleaned)]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the hooks (Sphinx entry point)."""
    app.connect("config-inited", _publish_vendor_dir)
    app.connect("doctree-resolved", _strip_remote_links_from_outputs)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
