"""Give each page only the scripts and styles it uses, and load the heavy ones when they are needed.

Every page used to load 2.4-6.3 MB: FontAwesome's SVG script (1.49 MB), MathJax (1.17 MB) and the
widget manager (1.88 MB), thebe's scripts with thebe off, and the styles of extensions it does not
use. Per page (``html-page-context``, after every other extension has added its files):

* **MathJax** only where the page itself has math (Sphinx also counts the math of every page a
  page's toctree includes, so the landing page loaded it for nothing), and the **widget manager**
  only where the page has saved widget state (myst-nb already does this). Both are loaded by
  ``page_assets.js`` when the first element that needs them comes near the viewport, or before
  printing, not while the page loads: a reader who scrolls never sees the difference, and the
  first paint does not wait for 3 MB of JavaScript.
* **thebe** (live code through a Binder kernel) is off in this book, yet sphinx-thebe adds its
  config ``<script>`` once per ``env-before-read-docs`` (twice in a jupyter-book build, so the
  second ``const THEBE_JS_URL`` threw on every page) plus ``sphinx-thebe.js``/``.css``. Removed
  while ``launch_buttons.thebe`` is off.
* **togglebutton**, **sphinx-design** (tabs), **copybutton** and **myst-nb**'s stylesheet only on
  pages with toggles, ``sd-`` components, code blocks, notebook cells respectively.
* The stylesheets that only colour code (pygments) or style the copy button load without holding
  up the first paint.
* The remaining theme and extension scripts are deferred (each one waits for ``DOMContentLoaded``
  itself), so none of them blocks the first paint.
* **FontAwesome's script** goes from every page (``templates/static/webpack-macros.html``): the
  theme's stylesheet already has FontAwesome's icon classes and webfont, so its dozen header icons
  render from the font, which the browser fetches only when an icon is on screen. Upstream ships
  the script, render-blocking, so that users can add custom SVG icons, which this book does not
  (pydata-sphinx-theme#2379 and #2115; its open PR #2494 makes the same move: standard icons from
  CSS and the webfont). Drop the override when a release does that.
* Images after the first one of a page load lazily (``loading="lazy"``).
* The book's own stylesheet ``book.css`` (static widget cards, phone layout, error outputs, print).

"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript
from sphinx.config import Config

__all__ = ["Needs", "page_needs", "setup"]

HERE = Path(__file__).resolve().parent
THEME_STYLESHEETS = ("styles/pydata-sphinx-theme.css",)
LOADER = "_static/page_assets.js"
STYLESHEET = "_static/book.css"
MATHJAX_SELECTOR = ".math"
WIDGET_SELECTOR = ".cell_output script[type='application/vnd.jupyter.widget-view+json']"
WIDGET_STATE_TYPE = "application/vnd.jupyter.widget-state+json"
WIDGET_STATE_DIR = "_static/widget-state"
FA_ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?:before|after),?)+)(\{content:"[^"]*"\})')
FA_CLASS = re.compile(r"\bfa-[a-z0-9-]+")
ICON_CODE = re.compile(r'content:\s*"\\(f[0-9a-f]{3})"')
SOLID_FONT_SRC = re.compile(
    r"src:url\(\.\./vendor/fontawesome/webfonts/fa-solid-900\.woff2\)[^;}]*"
)
SUBSET_FONT = "vendor/fontawesome/webfonts/fa-solid-900.subset.woff"
# Files (by name) that a page keeps only when it uses them, and what in the page's body says so.
CONDITIONAL = {
    "togglebutton": re.compile(r'class="[^"]*\b(?:toggle|dropdown)\b'),
    "design": re.compile(r'class="[^"]*\bsd-'),
    "copybutton": re.compile(r'class="[^"]*\bhighlight\b'),
    "clipboard": re.compile(r'class="[^"]*\bhighlight\b'),
    "mystnb": re.compile(r'class="[^"]*\bcell\b'),
}
THEBE_TEXT = "THEBE_JS_URL"
# Stylesheets that only colour code or style the copy button: no layout depends on them.
COSMETIC_STYLESHEETS = {"pygments.css", "copybutton.css"}


class Needs(dict):
    """Which conditional assets a page's body uses: ``{"mathjax": bool, "design": bool, ...}``."""


def page_needs(body: str) -> Needs:
    """Read from a page's rendered body which conditional assets it needs.

    >>> needs = page_needs('<span class="math notranslate nohighlight">\\\\(x\\\\)</span>')
    >>> needs["mathjax"], needs["copybutton"], needs["mystnb"]
    (True, False, False)
    >>> page_needs('<div class="cell docutils container"><div class="highlight">')["copybutton"]
    True
    """
    needs = Needs(mathjax='class="math' in body)
    needs.update({name: bool(pattern.search(body)) for name, pattern in CONDITIONAL.items()})
    return needs


def _conditional_name(filename: str) -> str | None:
    for name in CONDITIONAL:
        if name in Path(filename).name:
            return name
    return None


def _thebe_on(app: Sphinx) -> bool:
    return bool(app.config.html_theme_options.get("launch_buttons", {}).get("thebe"))


def _keep_script(app: Sphinx, js: _JavaScript, needs: Needs) -> bool:
    filename = str(js.filename or "")
    body = js.attributes.get("body", "")
    if not _thebe_on(app) and ("sphinx-thebe" in filename or THEBE_TEXT in body):
        return False
    if "togglebutton" in body or "toggleHint" in body or "toggleOpenOnPrint" in body:
        return needs["togglebutton"]
    name = _conditional_name(filename)
    return needs[name] if name else True


def _deferred(js: _JavaScript) -> _JavaScript:
    """``js`` with ``defer``, if it is a classic external script that can wait for the parse."""
    attributes = dict(js.attributes)
    filename = str(js.filename or "")
    blocking = not ({"defer", "async", "type"} & set(attributes))
    if not filename or not blocking or filename.endswith("documentation_options.js"):
        return js
    attributes["defer"] = "defer"
    return _JavaScript(js.filename, priority=js.priority, **attributes)


def _lazy_config(
    app: Sphinx, pagename: str, context: dict[str, Any], scripts: list[_JavaScript]
) -> tuple[list[_JavaScript], list[dict[str, Any]]]:
    """Take MathJax, the widget manager and the widget state out of ``scripts``; say when to load
    them instead. The saved widget state (its PNG frames make up most of a widget page's HTML)
    goes to ``_static/widget-state/<page>.js``, loaded with the widget manager."""
    lazy, kept, state = [], [], None
    for js in scripts:
        filename = str(js.filename or "")
        if filename.endswith(app.config.mathjax_path):
            lazy.append({"name": "mathjax", "src": context["pathto"](filename, 1),
                         "near": MATHJAX_SELECTOR})  # fmt: skip
        elif filename.endswith("jupyter-widgets/embed.js"):
            lazy.append({"name": "widgets", "src": context["pathto"](filename, 1),
                         "near": WIDGET_SELECTOR, "replayLoad": True})  # fmt: skip
        elif js.attributes.get("type") == WIDGET_STATE_TYPE:
            state = js.attributes["body"]
        else:
            kept.append(js)
    widgets = [asset for asset in lazy if asset["name"] == "widgets"]
    if state is not None and widgets:
        relative = f"{WIDGET_STATE_DIR}/{pagename.replace('/', '__')}.js"
        path = Path(app.outdir) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"window.pageAssetsWidgetState = {state};\n", encoding="utf-8")
        widgets[0]["state"] = context["pathto"](relative, 1)
    elif state is not None:  # no widget manager to render it: leave the page as it was
        kept.append(next(js for js in scripts if js.attributes.get("type") == WIDGET_STATE_TYPE))
    return kept, lazy


def _choose_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if doctree is None and "css_files" in context:  # search, genindex: the book's styles too
        context["css_files"] = [
            *context["css_files"],
            _CascadingStyleSheet(STYLESHEET, priority=900),
        ]
    if "script_files" not in context or doctree is None:
        return
    needs = page_needs(context.get("body", ""))
    scripts = list(context["script_files"])
    if not needs["mathjax"]:
        # Sphinx's MathJax config (window.MathJax = {...}) and MathJax itself.
        scripts = [
            js
            for js in scripts
            if not str(js.filename or "").endswith(app.config.mathjax_path)
            and "window.MathJax" not in js.attributes.get("body", "")
        ]
    scripts = [_deferred(js) for js in scripts if _keep_script(app, js, needs)]
    scripts, lazy = _lazy_config(app, pagename, context, scripts)
    if lazy:
        body = json.dumps(lazy)
        scripts.append(_JavaScript(None, priority=900, type="application/json",
                                   id="page-assets-lazy", body=body))  # fmt: skip
        scripts.append(_JavaScript(LOADER, priority=900, defer="defer"))
    context["script_files"] = scripts
    context["css_files"] = [
        _non_blocking(css) if Path(str(css.filename)).name in COSMETIC_STYLESHEETS else css
        for css in context["css_files"]
        if not (not _thebe_on(app) and "sphinx-thebe" in str(css.filename))
        and (needs.get(_conditional_name(str(css.filename)) or "", True))
    ] + [_CascadingStyleSheet(STYLESHEET, priority=900)]


def _non_blocking(css: _CascadingStyleSheet) -> _CascadingStyleSheet:
    """``css`` loaded without holding up the first paint (applied once it has arrived)."""
    attributes = {**css.attributes, "media": "print", "onload": "this.media='all'"}
    return _CascadingStyleSheet(css.filename, priority=css.priority, **attributes)


def prune_icon_rules(css: str, used: set[str]) -> str:
    """``css`` without the FontAwesome icon rules of classes not in ``used``.

    >>> css = '.fa-bars:before,.fa-navicon:before{content:"\\\\f0c9"}.fa-cat:before{content:"x"}'
    >>> prune_icon_rules(css, {"fa-bars"})
    '.fa-bars:before,.fa-navicon:before{content:"\\\\f0c9"}'
    """

    def keep(match: re.Match) -> str:
        classes = set(FA_CLASS.findall(match.group(1)))
        return match.group(0) if classes & used else ""

    return FA_ICON_RULE.sub(keep, css)


def _prune_theme_icons(app: Sphinx, exception: Exception | None) -> None:
    """Keep in the theme's stylesheet only the icons that the built pages use.

    pydata-sphinx-theme's stylesheet carries the rules of all 1,881 FontAwesome icons (86 KB);
    the book shows about 15. On a throttled phone, parsing them delayed the first paint by about a
    second (Lighthouse). Read from the installed theme, so that every build prunes the original.
    """
    import pydata_sphinx_theme

    if exception is not None or app.builder.format != "html":
        return
    source = Path(pydata_sphinx_theme.__file__).parent / "theme/pydata_sphinx_theme/static"
    target = Path(app.outdir) / "_static"
    used = set()
    for page in Path(app.outdir).rglob("*.html"):
        used |= set(FA_CLASS.findall(page.read_text(encoding="utf-8", errors="replace")))
    for name in THEME_STYLESHEETS:
        if (source / name).is_file() and (target / name).is_file():
            css = prune_icon_rules((source / name).read_text(encoding="utf-8"), used)
            css = _with_subset_icon_font(css, source, target)
            (target / name).write_text(css, encoding="utf-8")


def _with_subset_icon_font(css: str, source: Path, target: Path) -> str:
    """``css`` pointing at a copy of FontAwesome's solid font cut down to the icons in use.

    The full font is 156 KB (woff2); the glyphs that the pages' stylesheets name (the icons kept
    above and sphinx-book-theme's "on this page" arrow) take a few KB. Written as WOFF (zlib):
    fontTools needs the brotli package for WOFF2.
    """
    from fontTools import subset

    font = source / "vendor/fontawesome/webfonts/fa-solid-900.ttf"
    others = [p for p in target.rglob("*.css") if p.name != Path(THEME_STYLESHEETS[0]).name]
    sheets = [css] + [p.read_text(errors="replace") for p in others]
    codepoints = {int(code, 16) for sheet in sheets for code in ICON_CODE.findall(sheet)}
    if not font.is_file() or not codepoints:
        return css
    options = subset.Options()
    options.flavor = "woff"
    subsetter = subset.Subsetter(options)
    loaded = subset.load_font(str(font), options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(loaded)
    subset.save_font(loaded, str(target / SUBSET_FONT), options)
    return SOLID_FONT_SRC.sub(f'src:url(../{SUBSET_FONT}) format("woff")', css)


def _lazy_images(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for image in list(doctree.findall(nodes.image))[1:]:
        image.setdefault("loading", "lazy")


def _digest(folder: Path) -> str:
    """A hash of every file under ``folder``: it changes when any of them is edited."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def _configure(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(HERE / "static"))
    config.templates_path.append(str(HERE / "templates"))
    # Sphinx copies static files only when a page is rewritten, so an edit to book.css or
    # page_assets.js alone left the old copy in _build. A config value that changes with them
    # (rebuild "html") makes the next build rewrite every page, and with them the static files.
    config.book_static_digest = _digest(HERE / "static") + _digest(HERE / "templates")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the hooks (Sphinx entry point)."""
    app.add_config_value("book_static_digest", "", "html")
    app.connect("config-inited", _configure)
    app.connect("doctree-resolved", _lazy_images)
    # After every other extension has added its files for the page (MathJax, widgets: 500).
    app.connect("html-page-context", _choose_assets, priority=900)
    app.connect("build-finished", _prune_theme_icons)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
