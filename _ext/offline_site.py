"""Serve the website's JavaScript from the book itself, so every page works offline.

* ``_vendor/`` (filled by ``make vendor`` from the npm registry) is published under ``_static/``.
  It is added to ``html_static_path`` here, at ``config-inited``, and not in ``_config.yml``:
  jupyter-book injects a ``<script>``/``<link>`` for every .js/.css under every static path into
  every page as soon as a ``_static/`` folder exists, which would load all of MathJax everywhere.
  The pages load the files they need through ``nb_ipywidgets_js`` and ``mathjax_path``.
* ``window.FontAwesomeConfig = {autoReplaceSvg: 'nest', observeMutations: false}`` is set before
  the theme's FontAwesome (a ``defer`` script) runs. By default FontAwesome replaces every
  ``<i class="fa ...">`` with an ``<svg>``, also inside widgets rendered later; the ipywidgets
  ``Play`` button keeps a reference to its ``<i>`` and then fails with "Cannot set properties of
  undefined (setting 'className')". ``nest`` keeps the ``<i>``; not watching mutations leaves the
  widgets' icons (rendered on ``load``, after FontAwesome's pass over the page) to the icon font
  that the widget manager ships, so Play/Pause also swap icons correctly (with ``nest`` alone each
  swap nests one more SVG: two triangles after a pause). The theme's own icons are in the HTML and
  are converted as usual.
* ipywidgets 8 controls typeset their descriptions with MathJax 2's ``MathJax.Hub.Queue`` whenever
  ``window.MathJax`` exists; the book loads MathJax 3, which has no ``Hub``, so every slider with a
  description threw "Cannot read properties of undefined (reading 'Queue')". A two-line
  ``MathJax.Hub.Queue`` that calls MathJax 3's ``typesetPromise`` is installed once the deferred
  MathJax has run (``DOMContentLoaded``), before the widgets render (``load``).
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
# Inline, not deferred: runs while the <head> is parsed, before every deferred script.
HEAD_SCRIPT = """\
window.FontAwesomeConfig = {autoReplaceSvg: 'nest', observeMutations: false};
document.addEventListener('DOMContentLoaded', function () {
  var mathjax = window.MathJax;
  if (!mathjax || !mathjax.startup || mathjax.Hub) return;
  mathjax.Hub = {Queue: function () {
    Array.prototype.forEach.call(arguments, function (job) {
      if (Array.isArray(job) && job[0] === 'Typeset' && job[2]) {
        mathjax.startup.promise.then(function () { return mathjax.typesetPromise([job[2]]); });
      }
    });
  }};
});
"""
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
    app.add_js_file(None, body=HEAD_SCRIPT, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
