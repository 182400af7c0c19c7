"""The website in a real browser: every page of the toc, offline, widgets and math working.

The book is built once per session (``built_book``), served from ``_build/html`` on 127.0.0.1 and
visited once per page in headless Debian Chromium; every check below reads that one visit.
Screenshots go to ``_build/screenshots/``.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlparse

import pytest
from conftest import ROOT, BookBuild
from site_helpers import (
    BLOCK_OTHER_HOSTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    LOCAL_HOSTS,
    chromium_available,
    load_page_weight,
    screenshot_path,
    serve_directory,
    source_suffix,
    toc_docnames,
)

DOCNAMES = toc_docnames()
NOTEBOOKS = [name for name in DOCNAMES if source_suffix(name) == ".ipynb"]
# sphinx-thebe adds its `const THEBE_JS_URL = ...` <script> twice to every page (once from its own
# setup, once again through sphinx-book-theme), so the second one throws. Harmless: thebe (live
# code) is off in this book. Nothing else is tolerated.
KNOWN_PAGE_ERRORS = ("Identifier 'THEBE_JS_URL' has already been declared",)
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
FRAME_CHANGE_TIMEOUT_S = 5.0

# Marks every rendered view whose widget tree holds a Stack (a kernel-free demo: frame_player or
# frame_selector) with data-demo="<n>" and returns how many it marked.
MARK_DEMOS_JS = """() => {
  const models = {};
  const stateTags = 'script[type="application/vnd.jupyter.widget-state+json"]';
  for (const tag of document.querySelectorAll(stateTags)) {
    Object.assign(models, JSON.parse(tag.textContent).state);
  }
  const refs = (value, out) => {
    if (typeof value === 'string' && value.startsWith('IPY_MODEL_')) out.push(value.slice(10));
    else if (Array.isArray(value)) value.forEach((item) => refs(item, out));
    return out;
  };
  const holdsStack = (id, seen) => {
    const model = models[id];
    if (!model || seen.has(id)) return false;
    seen.add(id);
    if (model.model_name === 'StackModel') return true;
    const children = refs(model.state.children || [], []);
    return children.some((child) => holdsStack(child, seen));
  };
  let count = 0;
  const viewTags = 'script[type="application/vnd.jupyter.widget-view+json"]';
  for (const view of document.querySelectorAll(viewTags)) {
    const area = view.previousElementSibling;
    const modelId = JSON.parse(view.textContent).model_id;
    if (area && area.classList.contains('widget-subarea') && holdsStack(modelId, new Set())) {
      area.dataset.demo = String(count++);
    }
  }
  return count;
}"""
VISIBLE_IMAGES_JS = "els => els.filter(e => e.checkVisibility()).map(e => e.src)"


@dataclass
class DemoResult:
    """What happened to one kernel-free demo when its controls were used."""

    index: int
    # control kind ("play", "slider", "dropdown") -> whether the visible frame changed
    changed: dict[str, bool] = field(default_factory=dict)


@dataclass
class PageVisit:
    """Everything observed while one page was loaded and used."""

    url: str
    seconds: float = 0.0
    page_errors: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    math_count: int = 0
    untypeset_math: list[str] = field(default_factory=list)
    widget_views: int = 0
    unrendered_widgets: int = 0
    demos: list[DemoResult] = field(default_factory=list)
    download_href: str | None = None


def _visible_frames(area) -> list[str]:
    return area.locator("img").evaluate_all(VISIBLE_IMAGES_JS)


def _wait_for_change(area, before: list[str]) -> bool:
    deadline = time.monotonic() + FRAME_CHANGE_TIMEOUT_S
    while time.monotonic() < deadline:
        now = _visible_frames(area)
        if now and now != before:
            return True
        time.sleep(0.05)
    return False


def _use_demo(area, index: int) -> DemoResult:
    """Press Play then Stop, step each slider, pick another Dropdown entry; record frame changes."""
    result = DemoResult(index)
    play_buttons = area.locator(".widget-play button")
    if play_buttons.count():
        before = _visible_frames(area)
        play_buttons.nth(0).click()
        result.changed["play"] = _wait_for_change(area, before)
        if play_buttons.count() > 1:
            play_buttons.nth(1).click()  # stop: pauses and rewinds to the first frame
    handles = area.locator(".widget-slider .noUi-handle")
    for i in range(handles.count()):
        handle = handles.nth(i)
        before = _visible_frames(area)
        at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        handle.focus()
        handle.press("ArrowLeft" if at_end else "ArrowRight")
        result.changed[f"slider{i}"] = _wait_for_change(area, before)
    selects = area.locator(".widget-dropdown select")
    for i in range(selects.count()):
        select = selects.nth(i)
        options = select.locator("option").count()
        current = select.evaluate("s => s.selectedIndex")
        before = _visible_frames(area)
        select.select_option(index=(current + 1) % max(options, 1))
        result.changed[f"dropdown{i}"] = _wait_for_change(area, before)
    return result


class Visitor:
    """Visits each page once, lazily, and remembers what it saw."""

    def __init__(self, context, base_url: str) -> None:
        self.context = context
        self.base_url = base_url
        self.visits: dict[str, PageVisit] = {}

    @staticmethod
    def _is_foreign(url: str) -> bool:
        parsed = urlparse(url)
        return (
            parsed.scheme in {"http", "https", "ws", "wss"} and parsed.hostname not in LOCAL_HOSTS
        )

    def visit(self, docname: str) -> PageVisit:
        if docname not in self.visits:
            self.visits[docname] = self._visit(docname)
        return self.visits[docname]

    def _visit(self, docname: str) -> PageVisit:
        started = time.monotonic()
        visit = PageVisit(urljoin(self.base_url, f"{docname}.html"))
        page = self.context.new_page()
        page.on(
            "request",
            lambda r: visit.foreign_requests.append(r.url) if self._is_foreign(r.url) else None,
        )
        page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
        page.on(
            "response",
            lambda r: (
                visit.bad_responses.append(f"{r.status} {r.url}") if r.status >= 400 else None
            ),
        )
        page.on(
            "requestfailed",
            lambda r: (
                visit.bad_responses.append(f"failed {r.url}")
                if not self._is_foreign(r.url)
                else None
            ),
        )
        try:
            page.goto(visit.url, wait_until="load")
            page.evaluate(
                "async () => { if (window.MathJax?.startup) await MathJax.startup.promise }"
            )
            visit.widget_views = page.locator(WIDGET_VIEW).count()
            if visit.widget_views:
                try:
                    page.wait_for_function(
                        """sel => Array.from(document.querySelectorAll(sel)).every((view) => {
                             const area = view.previousElementSibling;
                             return area && area.classList.contains('widget-subarea')
                               && area.querySelector('.jupyter-widgets') !== null; })""",
                        arg=WIDGET_VIEW,
                        timeout=15_000,
                    )
                except Exception:  # counted below, reported by the test
                    pass
                visit.unrendered_widgets = page.evaluate(
                    """sel => Array.from(document.querySelectorAll(sel)).filter((view) => {
                         const area = view.previousElementSibling;
                         return !(area && area.classList.contains('widget-subarea')
                           && area.querySelector('.jupyter-widgets') !== null); }).length""",
                    WIDGET_VIEW,
                )
            maths = page.locator(".math")
            visit.math_count = maths.count()
            visit.untypeset_math = maths.evaluate_all(
                "els => els.filter(e => !e.querySelector('mjx-container'))"
                ".map(e => e.textContent.slice(0, 80))"
            )
            page.screenshot(path=screenshot_path(docname))
            for index in range(page.evaluate(MARK_DEMOS_JS)):
                area = page.locator(f'[data-demo="{index}"]')
                area.scroll_into_view_if_needed()
                visit.demos.append(_use_demo(area, index))
                area.screenshot(path=screenshot_path(docname, f"__demo{index}"))
            link = page.locator('a.btn-download-source-button[href$=".ipynb"]')
            if link.count():
                visit.download_href = urljoin(visit.url, link.first.get_attribute("href"))
        except Exception as error:  # keep the visit (and fail every check) instead of re-visiting
            visit.page_errors.append(f"the visit itself failed: {error}")
            visit.unrendered_widgets = max(visit.unrendered_widgets, 1)
            visit.untypeset_math.append("(not checked: the visit failed)")
        finally:
            page.close()
        visit.seconds = round(time.monotonic() - started, 2)
        return visit


@pytest.fixture(scope="module")
def site(built_book: BookBuild) -> Iterator[str]:
    if not (built_book.html_dir / "index.html").is_file():
        pytest.fail(f"the book did not build:\n{built_book.log[-3000:]}")
    with serve_directory(built_book.html_dir) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not chromium_available():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make system-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS + BLOCK_OTHER_HOSTS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def visitor(browser, site: str) -> Iterator[Visitor]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield Visitor(context, site)
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("docname", DOCNAMES)
def test_page_throws_no_error(visitor: Visitor, docname: str) -> None:
    errors = [e for e in visitor.visit(docname).page_errors if not e.startswith(KNOWN_PAGE_ERRORS)]
    assert errors == []


@pytest.mark.browser
@pytest.mark.parametrize("docname", DOCNAMES)
def test_page_requests_all_succeed(visitor: Visitor, docname: str) -> None:
    assert visitor.visit(docname).bad_responses == []


@pytest.mark.browser
@pytest.mark.parametrize("docname", DOCNAMES)
def test_page_requests_nothing_from_another_host(visitor: Visitor, docname: str) -> None:
    assert visitor.visit(docname).foreign_requests == []


@pytest.mark.browser
@pytest.mark.parametrize("docname", DOCNAMES)
def test_every_math_element_is_typeset(visitor: Visitor, docname: str) -> None:
    visit = visitor.visit(docname)
    assert visit.untypeset_math == [], f"{len(visit.untypeset_math)} of {visit.math_count}"


@pytest.mark.browser
@pytest.mark.parametrize("docname", DOCNAMES)
def test_every_widget_is_rendered(visitor: Visitor, docname: str) -> None:
    visit = visitor.visit(docname)
    assert visit.unrendered_widgets == 0, f"{visit.unrendered_widgets} of {visit.widget_views}"


@pytest.mark.browser
@pytest.mark.parametrize("docname", DOCNAMES)
def test_every_kernel_free_demo_changes_its_frame(visitor: Visitor, docname: str) -> None:
    demos = visitor.visit(docname).demos
    for demo in demos:
        assert demo.changed, f"demo {demo.index} has no slider, Play or Dropdown"
    stuck = [(demo.index, kind) for demo in demos for kind, ok in demo.changed.items() if not ok]
    assert stuck == [], "these controls did not change the visible frame"


@pytest.mark.browser
@pytest.mark.parametrize("docname", NOTEBOOKS)
def test_notebook_download_link_resolves(visitor: Visitor, docname: str) -> None:
    href = visitor.visit(docname).download_href
    assert href is not None, "no .ipynb entry in the download menu"
    response = visitor.context.request.get(href)
    assert response.status == 200
    assert "cells" in json.loads(response.body())


@pytest.mark.browser
def test_search_finds_padding_idx(visitor: Visitor) -> None:
    page = visitor.context.new_page()
    try:
        page.goto(urljoin(visitor.base_url, "search.html?q=padding_idx"))
        results = page.locator("#search-results ul.search li")
        results.first.wait_for(timeout=15_000)
        assert results.count() >= 1
        page.screenshot(path=screenshot_path("search"))
    finally:
        page.close()


@pytest.mark.browser
def test_theme_button_switches_to_dark_mode_and_back(visitor: Visitor) -> None:
    page = visitor.context.new_page()
    try:
        page.goto(urljoin(visitor.base_url, f"{DOCNAMES[0]}.html"))
        theme = lambda: page.evaluate("document.documentElement.dataset.theme")  # noqa: E731
        seen = [theme()]
        for _ in range(3):  # the button cycles light -> dark -> auto (auto is light here)
            page.locator(".theme-switch-button").first.click()
            seen.append(theme())
        assert seen[0] == "light"
        assert "dark" in seen
        assert seen[-1] == "light"
        page.locator(".theme-switch-button").first.click()
        page.screenshot(path=screenshot_path("dark_mode"))
    finally:
        page.close()


# --- Static checks on the built files (no browser) -----------------------------------------------

REMOTE_RESOURCE = re.compile(
    r"<(?:script|img|iframe|source|video|audio|embed)\b[^>]*\bsrc=[\"']?(?:https?:)?//"
    r"|<link\b[^>]*\bhref=[\"']?(?:https?:)?//",
    flags=re.IGNORECASE,
)
REMOTE_CSS = re.compile(
    r"url\(\s*[\"']?(?:https?:)?//|@import\s+[\"']?(?:url\()?[\"']?(?:https?:)?//"
)


def test_no_built_page_links_a_remote_resource(built_book: BookBuild) -> None:
    offenders = {}
    for page in sorted(built_book.html_dir.rglob("*.html")):
        hits = [m.group(0) for m in REMOTE_RESOURCE.finditer(page.read_text(errors="replace"))]
        if hits:
            offenders[str(page.relative_to(built_book.html_dir))] = hits
    assert offenders == {}


def test_no_stylesheet_loads_a_remote_font_or_file(built_book: BookBuild) -> None:
    offenders = {}
    for sheet in sorted(built_book.html_dir.rglob("*.css")):
        css = re.sub(r"/\*.*?\*/", "", sheet.read_text(errors="replace"), flags=re.DOTALL)
        hits = [m.group(0) for m in REMOTE_CSS.finditer(css)]
        if hits:
            offenders[str(sheet.relative_to(built_book.html_dir))] = hits
    assert offenders == {}


def test_no_page_loads_require_js_or_a_cdn_widget_manager(built_book: BookBuild) -> None:
    pages = sorted(built_book.html_dir.rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(errors="replace")
        assert "require.min.js" not in html and "embed-amd.js" not in html, page.name


def test_every_page_weighs_at_most_2_mb(built_book: BookBuild) -> None:
    page_weight = load_page_weight()
    missing = [name for name in DOCNAMES if not (built_book.html_dir / f"{name}.html").is_file()]
    assert missing == [], "pages in the toc that were not built"
    weights = page_weight.measure(built_book.html_dir, DOCNAMES)
    assert [w.docname for w in weights] == DOCNAMES
    heavy = {w.docname: w.total for w in weights if w.total > page_weight.BUDGET_BYTES}
    assert heavy == {}


@pytest.mark.browser
def test_requests_to_other_hosts_are_blocked_and_recorded(visitor: Visitor) -> None:
    # The offline checks above are only as good as this: a request to another host fails here
    # (it goes to a dead proxy on 127.0.0.1, so nothing leaves the machine) and is recorded.
    page = visitor.context.new_page()
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if visitor._is_foreign(r.url) else None)
    try:
        page.goto(urljoin(visitor.base_url, f"{DOCNAMES[0]}.html"))
        outcome = page.evaluate(
            "() => fetch('http://192.0.2.1/probe', {mode: 'no-cors'})"
            ".then(() => 'loaded', () => 'blocked')"
        )
    finally:
        page.close()
    assert outcome == "blocked"
    assert seen == ["http://192.0.2.1/probe"]


def test_remote_stylesheet_links_are_stripped_from_outputs() -> None:
    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        from offline_site import strip_remote_stylesheets
    finally:
        sys.path.remove(str(ROOT / "_ext"))
    jshtml_head = (
        '<link rel="stylesheet"\nhref="https://maxcdn.bootstrapcdn.com/font-awesome/4.4.0/'
        'css/font-awesome.min.css">\n<script language="javascript">/* player */</script>'
    )
    assert (
        strip_remote_stylesheets(jshtml_head)
        == '<script language="javascript">/* player */</script>'
    )
    assert (
        strip_remote_stylesheets('<link href="../_static/x.css">')
        == '<link href="../_static/x.css">'
    )
