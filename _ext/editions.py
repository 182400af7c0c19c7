"""The book's two editions, English and Chinese, and a switch between them on every page.

The English site is ``_build/html/``, the Chinese one ``_build/html/zh/`` (``tools/build_zh.py``),
with the same page paths, so the same page in the other edition is found by its page name alone:
from ``chapters/01_syntax`` in English, ``zh/chapters/01_syntax.html``; back, ``../`` more. Per
page (``html-page-context``) the extension gives the template ``templates/language-switch.html``
the other edition's address, label and language, and, where the site's address is configured,
the page's head ``<link rel="alternate" hreflang>`` to both editions. The switch sits in the
article header, before the theme's buttons (``article_header_end``, a theme option: no template
of the theme is changed).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sphinx.application import Sphinx
from sphinx.config import Config

__all__ = ["EDITIONS", "Edition", "alternate_links", "other_edition_href", "setup"]


class Edition(NamedTuple):
    """One edition: its Sphinx language, folder under ``_build/html``, HTML lang and switch text."""

    language: str
    folder: str
    lang: str
    label: str
    title: str
    search: str  # the search field's placeholder (jupyter-book sets it in English)


EDITIONS = (
    Edition("en", "", "en", "English", "Read this page in English", "Search this book..."),
    Edition("zh_CN", "zh", "zh-CN", "中文", "阅读本页的中文版", "搜索本书……"),
)
SWITCH_TEMPLATE = "language-switch.html"


def edition_of(language: str | None) -> Edition:
    """The edition built in Sphinx ``language`` (English when it is not set)."""
    for edition in EDITIONS:
        if edition.language == (language or "en"):
            return edition
    raise ValueError(f"no edition in {language!r}; the book has {[e.language for e in EDITIONS]}")


def other_edition_href(pagename: str, here: Edition, there: Edition) -> str:
    """The address of page ``pagename`` in edition ``there``, relative to that page in ``here``.

    >>> en, zh = EDITIONS
    >>> other_edition_href("chapters/01_syntax", en, zh)
    '../zh/chapters/01_syntax.html'
    >>> other_edition_href("chapters/01_syntax", zh, en)
    '../../chapters/01_syntax.html'
    >>> other_edition_href("search", en, zh)
    'zh/search.html'
    """
    up = "../" * (pagename.count("/") + (1 if here.folder else 0))
    folder = f"{there.folder}/" if there.folder else ""
    return f"{up}{folder}{pagename}.html"


def alternate_links(pagename: str, baseurl: str) -> str:
    """``<link rel="alternate" hreflang>`` to ``pagename`` in every edition, for search engines.

    Only with absolute addresses, so only where the site's address is known (``html_baseurl``:
    ``html.baseurl`` in _config.yml): a relative one is invalid (Lighthouse's hreflang audit
    fails the page, and search engines ignore it).

    >>> print(alternate_links("chapters/01_syntax", "https://b.org/book"))
    <link rel="alternate" hreflang="en" href="https://b.org/book/chapters/01_syntax.html" />
    <link rel="alternate" hreflang="zh-CN" href="https://b.org/book/zh/chapters/01_syntax.html" />
    >>> alternate_links("chapters/01_syntax", "")
    ''
    """
    if not baseurl:
        return ""
    root = baseurl.rstrip("/") + "/"
    return "".join(
        f'<link rel="alternate" hreflang="{edition.lang}" '
        f'href="{root}{edition.folder + "/" if edition.folder else ""}{pagename}.html" />\n'
        for edition in EDITIONS
    ).rstrip("\n")


def _add_switch(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    here = edition_of(app.config.language)
    for edition in EDITIONS:
        if edition != here:
            href = other_edition_href(pagename, here, edition)
            context["edition_switch"] = {**edition._asdict(), "href": href}
    links = alternate_links(pagename, app.config.html_baseurl)
    if links:
        context["metatags"] = context.get("metatags", "") + links + "\n"


def _place_switch(app: Sphinx, config: Config) -> None:
    options = dict(config.html_theme_options or {})
    end = options.get("article_header_end") or ["article-header-buttons.html"]
    end = [item.strip() for item in end.split(",")] if isinstance(end, str) else list(end)
    if SWITCH_TEMPLATE not in end:
        options["article_header_end"] = [SWITCH_TEMPLATE, *end]
    options["search_bar_text"] = edition_of(config.language).search
    config.html_theme_options = options


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the hooks (Sphinx entry point)."""
    app.connect("config-inited", _place_switch)
    app.connect("html-page-context", _add_switch)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
