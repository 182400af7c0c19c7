"""The website as a reader meets it: every page of the toc, at desktop and phone width, offline.

The book is built once per session (``built_book``) and served from ``_build/html`` on 127.0.0.1.
One headless Chromium (``async_browser``) visits every page at desktop (1366x900) and phone
(390x844) width, a few pages at a time; each visit scrolls through the page as a reader would
(which is when the page loads MathJax and the widget manager), uses every widget control, runs axe
in light and dark mode, and records what it saw. The tests below read those visits. Navigation,
search, the theme switch and printing are tested with their own clicks. Screenshots go to
``_build/screenshots/``.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
from conftest import ROOT, AsyncBrowser, BookBuild
from site_helpers import (
    LOCAL_HOSTS,
    load_page_weight,
    screenshot_path,
    serve_directory,
    source_suffix,
    toc_docnames,
)

DOCNAMES = toc_docnames()
NOTEBOOKS = [name for name in DOCNAMES if source_suffix(name) == ".ipynb"]
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
NAV_WIDTHS = (390, 800, 1366)
PAGES_AT_ONCE = 2
# How long a control may take to change its picture. A passing control changes it in well under
# a second (the wait ends there); the margin is for a loaded CI machine.
CHANGE_TIMEOUT_S = 5.0
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # Tagged "experimental" in axe, so off by default; the theme's search button failed it.
    "rules": {"label-content-name-mismatch": {"enabled": True}},
    "resultTypes": ["violations"],
    # axe's own stylesheet fetch resolves the theme's relative @import against the page: a 404.
    "preload": False,
}
AXE_COLOUR_RULES = ["color-contrast", "link-in-text-block"]
AXE_COLOUR_OPTIONS = {**AXE_OPTIONS, "runOnly": {"type": "rule", "values": AXE_COLOUR_RULES}}
# Pages allowed to fail a named test (strict xfail: when a page starts passing, its entry must
# go). Empty: every page passes every test.
AWAITING_NEXT_ROUND: dict[str, set[str]] = {}

# Scrolls through the page a screen at a time, as a reader does, so that what loads on the way
# (MathJax, the widgets, lazy images) is asked for. Each position is held for a rendering step
# (two animation frames): lazy loading sees only positions the page was rendered at, and on a
# loaded machine a bare 60 ms pause could pass with no frame at all (a CI run once left a page's
# widgets and images unloaded for 50 s). Then each widget and image that has still not loaded is
# brought into view, as a reader arriving at it would.
SCROLL_THROUGH_JS = """async (widgetView) => {
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const rendered = () => Promise.race([pause(1000), new Promise((resolve) =>
    requestAnimationFrame(() => requestAnimationFrame(resolve)))]);
  const visit = async (top) => {
    window.scrollTo({top, behavior: 'instant'});
    await rendered();
    await pause(60);
  };
  for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
    await visit(y);
  }
  const waiting = [
    ...Array.from(document.images).filter((i) => !i.complete && i.checkVisibility()),
    ...Array.from(document.querySelectorAll(widgetView))
      .filter((view) => !view.previousElementSibling?.querySelector('.jupyter-widgets'))
      .map((view) => view.closest('.cell') || view.parentElement),
  ];
  for (const element of waiting) {
    await visit(element.getBoundingClientRect().top + window.scrollY - 100);
  }
  await visit(0);
}"""
ALL_MATH_TYPESET_JS = """() => Array.from(document.querySelectorAll('.math'))
  .every((e) => e.querySelector('mjx-container'))"""
UNRENDERED_WIDGETS_JS = """sel => Array.from(document.querySelectorAll(sel)).filter((view) => {
  const area = view.previousElementSibling;
  return !(area && area.classList.contains('widget-subarea')
    && area.querySelector('.jupyter-widgets') !== null); }).length"""
# Marks each rendered top-level widget with data-widget="<n>", and data-demo="1" where its widget
# tree holds a Stack (a kernel-free demo: precomputed frames); returns how many it marked.
MARK_WIDGETS_JS = """() => {
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
    return refs(model.state.children || [], []).some((child) => holdsStack(child, seen));
  };
  let count = 0;
  const viewTags = 'script[type="application/vnd.jupyter.widget-view+json"]';
  for (const view of document.querySelectorAll(viewTags)) {
    const area = view.previousElementSibling;
    if (!area || !area.classList.contains('widget-subarea')) continue;
    area.dataset.widget = String(count++);
    if (holdsStack(JSON.parse(view.textContent).model_id, new Set())) area.dataset.demo = '1';
  }
  return count;
}"""
VISIBLE_IMAGES_JS = "els => els.filter(e => e.checkVisibility()).map(e => e.src)"
FIGURES_JS = """() => Array.from(document.querySelectorAll('.bd-article img'))
  .filter((img) => img.checkVisibility() && img.getBoundingClientRect().width > 40)
  .map((img) => {
    const link = img.closest('a.image-reference');
    return {src: img.getAttribute('src').slice(0, 80), alt: img.getAttribute('alt'),
            natural: img.naturalWidth, shown: img.getBoundingClientRect().width,
            complete: img.complete,
            opens_full_size: !!link && link.href === img.src,
            in_output: !!img.closest('.cell_output') && !img.closest('.jupyter-widgets')};
  })"""
WIDE_ERRORS_JS = """() => Array.from(document.querySelectorAll(
    '.cell_output .output.traceback pre, .cell_output .output.stderr pre'))
  .filter((pre) => pre.checkVisibility())
  .filter((pre) => [pre, pre.parentElement].some((e) => e.scrollWidth > e.clientWidth + 1))
  .map((pre) => pre.textContent.trim().split('\\n').pop().slice(0, 80))"""
# Code a reader must scroll sideways to read: every code cell and code block, hidden ones opened
# (chapters/ruff.toml holds the chapters' code to the width of a code cell at 1366 px).
WIDE_CODE_JS = """() => {
  document.querySelectorAll('.bd-article details').forEach((details) => { details.open = true; });
  return Array.from(document.querySelectorAll('.bd-article div.highlight pre'))
    .filter((pre) => !pre.closest('.cell_output') && pre.checkVisibility())
    .filter((pre) => pre.scrollWidth > pre.clientWidth + 1)
    .map((pre) => pre.textContent.split('\\n')
      .reduce((longest, line) => (line.length > longest.length ? line : longest), '').slice(0, 90));
}"""
# Each live widget (needs a kernel; INTERFACES.md) as the website shows it.
LIVE_CARDS_JS = """() => Array.from(document.querySelectorAll('.embedlib-live')).map((card) => ({
  note: Array.from(card.querySelectorAll('.embedlib-site-note')).some(e => e.checkVisibility()),
  frames: Array.from(card.querySelectorAll('img')).filter(e => e.checkVisibility()).length,
  controls: Array.from(card.querySelectorAll('.embedlib-controls'))
    .filter(e => e.checkVisibility()).length,
}))"""
WIDE_TABLES_JS = """() => Array.from(document.querySelectorAll('.bd-article table'))
  .filter((table) => table.parentElement.scrollWidth > table.parentElement.clientWidth + 1
                     || table.getBoundingClientRect().right > window.innerWidth + 1)
  .map((table) => table.textContent.trim().slice(0, 60))"""
# Words of plain text (not code) that a table cell is too narrow to hold on one line, so the
# browser breaks them mid-word ("Sp ars eAda m"): a column squeezed by the layout. Chinese text
# may break between any two characters, so there each character (or punctuation mark) is a word.
BROKEN_WORDS_JS = """() => {
  const cjk = '[\\u2e80-\\u9fff\\uf900-\\ufaff\\ufe30-\\ufe4f\\uff00-\\uffef]';
  const breaks = new RegExp(`\\\\s+|(?<=${cjk})|(?=${cjk})`);
  const probe = document.createElement('span');
  probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap';
  document.body.appendChild(probe);
  const broken = [];
  for (const cell of document.querySelectorAll('.bd-article table td, .bd-article table th')) {
    if (cell.querySelector('code, .math')) continue;
    const style = getComputedStyle(cell);
    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    probe.style.font = style.font;
    for (const word of cell.innerText.split(breaks)) {
      probe.textContent = word;
      if (probe.getBoundingClientRect().width > room + 1) { broken.push(word); break; }
    }
  }
  probe.remove();
  return broken;
}"""
# The language switch (_ext/editions.py) as a reader meets it: its text, address, and whether it
# is shown whole on the screen.
SWITCH_JS = """() => {
  const link = document.querySelector('.bd-header-article a.language-switch');
  if (!link) return null;
  const box = link.getBoundingClientRect();
  const theme = document.querySelector('.bd-header-article .theme-switch-button');
  const middle = (b) => (b.top + b.bottom) / 2;
  return {text: link.textContent.trim(), href: link.href, lang: link.lang,
          visible: link.checkVisibility(), left: box.left, right: box.right, top: box.top,
          height: box.height, width: window.innerWidth,
          off_row: theme ? Math.abs(middle(box) - middle(theme.getBoundingClientRect())) : null};
}"""
# The first visible text with Chinese characters, in the article's headings and paragraphs if
# they have any (a translated page), else anywhere on the page (the theme's words on a Chinese
# page, the language switch's 中文 on an English one): are its characters drawn as glyphs
# (distinct pictures) or as "tofu" (the same empty box for every character, when no font has
# them)? Drawn on a canvas in the element's own font; the element is marked for CDP.
CJK_GLYPHS_JS = """() => {
  const han = /[\u4e00-\u9fff]/g;
  const article = document.querySelector('.bd-article');
  const roots = [...(article ? article.querySelectorAll('h1, h2, h3, p') : []), document.body];
  for (const root of roots) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const chars = Array.from(new Set(node.textContent.match(han) || [])).slice(0, 4);
      const element = node.parentElement;
      if (chars.length < 2 || !element.checkVisibility()) continue;
      const style = getComputedStyle(element);
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 48;
      const context = canvas.getContext('2d', {willReadFrequently: true});
      context.font = `${style.fontWeight} 32px ${style.fontFamily}`;
      const draw = (char) => {
        context.clearRect(0, 0, 48, 48);
        context.fillText(char, 4, 38);
        return context.getImageData(0, 0, 48, 48).data.join('');
      };
      const pictures = chars.map(draw);
      element.dataset.cjkProbe = '1';
      return {chars: chars.join(''), in_article: root !== document.body,
              element: element.tagName.toLowerCase() + '.' + element.className,
              distinct: new Set(pictures).size,
              blank: pictures.filter((p) => !/[1-9]/.test(p)).length, fonts: []};
    }
  }
  return null;
}"""


def _edition_prefix(url: str) -> str:
    """ "zh/" for a URL in the Chinese edition (``.../zh/...``), "" for the English one."""
    return "zh/" if urlparse(url).path.startswith("/zh/") else ""


def _shot(base_url: str, name: str) -> str:
    """The screenshot name of ``name`` in the edition at ``base_url`` (``zh/...`` in Chinese)."""
    return _edition_prefix(base_url) + name


def other_edition_url(url: str) -> str:
    """The same page in the other edition.

    >>> other_edition_url("http://127.0.0.1:8000/chapters/01_syntax.html")
    'http://127.0.0.1:8000/zh/chapters/01_syntax.html'
    >>> other_edition_url("http://127.0.0.1:8000/zh/chapters/01_syntax.html")
    'http://127.0.0.1:8000/chapters/01_syntax.html'
    """
    parsed = urlparse(url)
    path = parsed.path[3:] if _edition_prefix(url) else "/zh" + parsed.path
    return parsed._replace(path=path).geturl()


async def _platform_fonts(page) -> list[str]:
    """The fonts Chromium drew the element marked by CJK_GLYPHS_JS with (DevTools protocol)."""
    cdp = await page.context.new_cdp_session(page)
    try:
        await cdp.send("DOM.enable")
        await cdp.send("CSS.enable")
        root = await cdp.send("DOM.getDocument")
        found = await cdp.send(
            "DOM.querySelector", {"nodeId": root["root"]["nodeId"], "selector": "[data-cjk-probe]"}
        )
        fonts = await cdp.send("CSS.getPlatformFontsForNode", {"nodeId": found["nodeId"]})
        return [font["familyName"] for font in fonts["fonts"]]
    finally:
        await cdp.detach()


@dataclass
class PageVisit:
    """Everything observed while one page was loaded, scrolled through and used."""

    url: str
    viewport: str
    seconds: float = 0.0
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    math_count: int = 0
    untypeset_math: list[str] = field(default_factory=list)
    widget_views: int = 0
    unrendered_widgets: int = 0
    # per top-level widget: control -> whether using it changed a visible image of that widget
    controls: dict[int, dict[str, bool]] = field(default_factory=dict)
    demos: set[int] = field(default_factory=set)
    live_cards: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    axe: dict[str, list[str]] = field(default_factory=dict)
    page_width: int = 0
    wide_errors: list[str] = field(default_factory=list)
    wide_tables: list[str] = field(default_factory=list)
    broken_words: list[str] = field(default_factory=list)
    wide_code: list[str] = field(default_factory=list)
    download_href: str | None = None
    switch: dict[str, Any] | None = None
    cjk: dict[str, Any] | None = None
    loaded: bool = False  # scrolled through, math, widgets and images waited for
    # seconds since the visit began at the end of each phase: a failed visit says where it stopped
    phases: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic, repr=False)


@dataclass(frozen=True)
class VisitPlan:
    """What each visit does. Everything, by default; the Chinese edition (test_site_zh.py) skips
    what is byte-identical to the English pages and so is checked there."""

    # "full": scroll through, wait for math, widgets and images; "layout": the page as loaded
    # (width, tables, switch, fonts, console, requests), without the lazily loaded parts.
    phone: str = "full"
    # selectors that axe leaves out (in both modes)
    axe_exclude: tuple[str, ...] = ()


def _is_foreign(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in {"http", "https", "ws", "wss"} and parsed.hostname not in LOCAL_HOSTS


async def _visible_frames(area) -> list[str]:
    return await area.locator("img").evaluate_all(VISIBLE_IMAGES_JS)


async def _changes_frame(area, before: list[str]) -> bool:
    deadline = time.monotonic() + CHANGE_TIMEOUT_S
    while time.monotonic() < deadline:
        now = await _visible_frames(area)
        if now and now != before:
            return True
        await asyncio.sleep(0.05)
    return False


async def _visible(locator) -> list:
    return [
        locator.nth(i) for i in range(await locator.count()) if await locator.nth(i).is_visible()
    ]


async def _use_controls(area) -> dict[str, bool]:
    """Use every visible control of one widget as a reader would; record which changed its image."""
    changed = {}
    plays = await _visible(area.locator(".widget-play button"))
    if plays:
        before = await _visible_frames(area)
        await plays[0].click()
        changed["play"] = await _changes_frame(area, before)
        if len(plays) > 1:
            await plays[1].click()  # pause
    for i, handle in enumerate(await _visible(area.locator(".widget-slider .noUi-handle"))):
        before = await _visible_frames(area)
        at_end = await handle.get_attribute("aria-valuenow") == await handle.get_attribute(
            "aria-valuemax"
        )
        await handle.focus()
        await handle.press("ArrowLeft" if at_end else "ArrowRight")
        changed[f"slider{i}"] = await _changes_frame(area, before)
    for i, select in enumerate(await _visible(area.locator(".widget-dropdown select"))):
        options = await select.locator("option").count()
        current = await select.evaluate("s => s.selectedIndex")
        before = await _visible_frames(area)
        await select.select_option(index=(current + 1) % max(options, 1))
        changed[f"dropdown{i}"] = await _changes_frame(area, before)
    clickables = ".widget-checkbox input, .widget-toggle-buttons button, button.widget-button"
    for i, control in enumerate(await _visible(area.locator(clickables))):
        before = await _visible_frames(area)
        await control.click()
        changed[f"button{i}"] = await _changes_frame(area, before)
    return changed


NEXT_FRAME_JS = (
    "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
)


# Code cells are left out of each page's axe run: their syntax-coloured tokens are most of a
# chapter's elements, and measuring them took most of each visit. The code cell itself is checked
# once, with one token of every class the syntax stylesheet colours
# (test_every_code_token_colour_is_legible_in_light_and_dark_mode).
CODE_TOKENS = ".cell_input pre"


async def _axe(page, context: dict[str, Any], options: dict[str, Any]) -> list[str]:
    result = await page.evaluate("([c, o]) => axe.run(c, o)", [context, options])
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['html'][:120]}"
        for v in result["violations"]
        if v["impact"] in {"critical", "serious"}
    ]


async def _set_mode(page, mode: str) -> None:
    await page.evaluate(f"document.documentElement.dataset.theme = '{mode}'")
    await page.evaluate(NEXT_FRAME_JS)  # styles recomputed for the new mode


async def _prepare_axe(page, axe_script: str) -> None:
    await page.evaluate(axe_script)
    # The theme fades colours when the mode changes: without this, axe could measure a colour
    # half way through the fade (a search button flagged in dark mode, once in a few runs).
    await page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")


async def _run_axe(page, axe_script: str, exclude: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Critical and serious WCAG 2.1 A/AA violations, in light and in dark mode (where only
    colours change, so only the colour rules run again)."""
    await _prepare_axe(page, axe_script)
    context = {"include": [["html"]], "exclude": [[s] for s in (*exclude, CODE_TOKENS)]}
    found = {}
    for mode, options in (("light", AXE_OPTIONS), ("dark", AXE_COLOUR_OPTIONS)):
        await _set_mode(page, mode)
        found[mode] = await _axe(page, context, options)
    await _set_mode(page, "light")
    return found


async def _load_everything(page, visit: PageVisit) -> None:
    """Scroll through as a reader does (MathJax, widgets and images load on the way); record
    what did not typeset or render."""
    visit.loaded = True
    await page.evaluate(SCROLL_THROUGH_JS, WIDGET_VIEW)
    _phase(visit, "scrolled")
    visit.math_count = await page.locator(".math").count()
    if visit.math_count:
        try:
            await page.wait_for_function(ALL_MATH_TYPESET_JS, timeout=15_000)
        except Exception:  # reported by the test
            pass
        visit.untypeset_math = await page.locator(".math").evaluate_all(
            "els => els.filter(e => !e.querySelector('mjx-container'))"
            ".map(e => e.textContent.slice(0, 80))"
        )
        _phase(visit, "math")
    visit.widget_views = await page.locator(WIDGET_VIEW).count()
    if visit.widget_views:
        try:
            await page.wait_for_function(
                f"sel => ({UNRENDERED_WIDGETS_JS})(sel) === 0", arg=WIDGET_VIEW, timeout=20_000
            )
        except Exception:  # reported by the test
            pass
        visit.unrendered_widgets = await page.evaluate(UNRENDERED_WIDGETS_JS, WIDGET_VIEW)
        _phase(visit, "widgets")
    await page.wait_for_function(
        "() => Array.from(document.images).every((i) => i.complete || !i.checkVisibility())",
        timeout=30_000,  # a widget page decodes dozens of frames; slow on a loaded machine
    )
    _phase(visit, "images")


def _phase(visit: PageVisit, name: str) -> None:
    visit.phases[name] = round(time.monotonic() - visit.started, 1)


async def _visit(
    context, base_url: str, docname: str, viewport: str, axe_script: str, plan: VisitPlan
) -> PageVisit:
    full = viewport == "desktop" or plan.phone == "full"
    visit = PageVisit(urljoin(base_url, f"{docname}.html"), viewport)
    shot = _shot(base_url, docname)  # the screenshots' name
    page = await context.new_page()
    page.on("request", lambda r: visit.foreign_requests.append(r.url) if _is_foreign(r.url) else 0)
    page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
    page.on("console", lambda m: visit.console_errors.append(m.text) if m.type == "error" else 0)
    page.on(
        "response",
        lambda r: visit.bad_responses.append(f"{r.status} {r.url}") if r.status >= 400 else 0,
    )
    page.on(
        "requestfailed",
        lambda r: visit.bad_responses.append(f"failed {r.url}") if not _is_foreign(r.url) else 0,
    )
    try:
        await page.goto(visit.url, wait_until="load")
        _phase(visit, "loaded")
        visit.page_width = await page.evaluate("document.documentElement.scrollWidth")
        if full:
            await _load_everything(page, visit)
        visit.page_width = max(visit.page_width, await page.evaluate("document.body.scrollWidth"))
        visit.wide_errors = await page.evaluate(WIDE_ERRORS_JS)
        visit.wide_tables = await page.evaluate(WIDE_TABLES_JS)
        visit.broken_words = await page.evaluate(BROKEN_WORDS_JS)
        visit.switch = await page.evaluate(SWITCH_JS)
        visit.cjk = await page.evaluate(CJK_GLYPHS_JS)
        if visit.cjk:
            visit.cjk["fonts"] = await _platform_fonts(page)
        suffix = "" if viewport == "desktop" else "__phone"
        await page.screenshot(path=screenshot_path(shot, suffix))
        _phase(visit, "measured")
        if viewport == "desktop":
            visit.figures = await page.evaluate(FIGURES_JS)
            visit.live_cards = await page.evaluate(LIVE_CARDS_JS)
            visit.axe = await _run_axe(page, axe_script, plan.axe_exclude)
            _phase(visit, "axe")
            for index in range(await page.evaluate(MARK_WIDGETS_JS)):
                area = page.locator(f'[data-widget="{index}"]')
                await area.scroll_into_view_if_needed()
                if await area.get_attribute("data-demo"):
                    visit.demos.add(index)
                visit.controls[index] = await _use_controls(area)
                await area.screenshot(path=screenshot_path(shot, f"__widget{index}"))
                _phase(visit, f"widget{index}")
            link = page.locator('a.btn-download-source-button[href$=".ipynb"]')
            if await link.count():
                visit.download_href = urljoin(visit.url, await link.first.get_attribute("href"))
            visit.wide_code = await page.evaluate(WIDE_CODE_JS)  # last: it opens hidden cells
    except Exception as error:  # keep the visit (and fail every check) instead of re-visiting
        visit.page_errors.append(
            f"the visit itself failed: {error!r}; seconds at the end of each phase: "
            f"{visit.phases}; console errors: {visit.console_errors}"
        )
        visit.unrendered_widgets = max(visit.unrendered_widgets, 1)
        visit.untypeset_math.append("(not checked: the visit failed)")
    finally:
        await page.close()
    visit.seconds = round(time.monotonic() - visit.started, 2)
    return visit


async def _visit_all(
    browser, base_url: str, plan: VisitPlan = VisitPlan()
) -> dict[tuple[str, str], PageVisit]:
    from axe_playwright_python.base import AXE_SCRIPT

    contexts = {name: await browser.new_context(viewport=size) for name, size in VIEWPORTS.items()}
    limit = asyncio.Semaphore(PAGES_AT_ONCE)

    async def one(docname: str, viewport: str) -> PageVisit:
        async with limit:
            return await _visit(contexts[viewport], base_url, docname, viewport, AXE_SCRIPT, plan)

    keys = [(viewport, docname) for docname in DOCNAMES for viewport in VIEWPORTS]
    visits = await asyncio.gather(*(one(docname, viewport) for viewport, docname in keys))
    for context in contexts.values():
        await context.close()
    return dict(zip(keys, visits, strict=True))


@pytest.fixture(scope="module")
def site(built_book: BookBuild):
    if not (built_book.html_dir / "index.html").is_file():
        pytest.fail(f"the book did not build:\n{built_book.log[-3000:]}")
    with serve_directory(built_book.html_dir) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def visit_plan() -> VisitPlan:
    """What each visit does (test_site_zh.py has its own)."""
    return VisitPlan()


@pytest.fixture(scope="module")
def visits(
    async_browser: AsyncBrowser, site: str, visit_plan: VisitPlan
) -> dict[tuple[str, str], PageVisit]:
    started = time.monotonic()
    result = async_browser.run(_visit_all(async_browser.browser, site, visit_plan))
    slowest = max(result.values(), key=lambda v: v.seconds)
    print(
        f"\nvisited {len(result)} pages in {time.monotonic() - started:.1f} s "
        f"(slowest {slowest.url} {slowest.viewport}: {slowest.seconds} s)"
    )
    return result


def _awaiting(test: str, docname: str) -> list:
    if docname in AWAITING_NEXT_ROUND.get(test, set()):
        return [pytest.mark.xfail(strict=True, reason="notebooks are re-executed next round")]
    return []


def _pages(test: str, docnames: list[str] = DOCNAMES) -> list:
    return [pytest.param(name, marks=_awaiting(test, name), id=name) for name in docnames]


# --- Every page, both widths ----------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("docname", DOCNAMES)
def test_page_has_no_error_in_its_console(visits, docname: str, viewport: str) -> None:
    visit = visits[viewport, docname]
    assert visit.page_errors == []
    assert visit.console_errors == []


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("docname", DOCNAMES)
def test_page_requests_all_succeed_and_stay_on_this_host(visits, docname, viewport) -> None:
    assert visits[viewport, docname].bad_responses == []
    assert visits[viewport, docname].foreign_requests == []


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("docname", DOCNAMES)
def test_every_math_element_is_typeset(visits, docname: str, viewport: str) -> None:
    visit = visits[viewport, docname]
    assert visit.loaded, "this visit did not scroll through the page"
    assert visit.untypeset_math == [], f"{len(visit.untypeset_math)} of {visit.math_count}"


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("docname", DOCNAMES)
def test_every_widget_is_rendered(visits, docname: str, viewport: str) -> None:
    visit = visits[viewport, docname]
    assert visit.loaded, "this visit did not scroll through the page"
    assert visit.unrendered_widgets == 0, f"{visit.unrendered_widgets} of {visit.widget_views}"


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("docname", DOCNAMES)
def test_no_error_output_needs_sideways_scrolling(visits, docname: str, viewport: str) -> None:
    assert visits[viewport, docname].wide_errors == []


@pytest.mark.browser
@pytest.mark.parametrize("docname", DOCNAMES)
def test_no_code_needs_sideways_scrolling_on_a_desktop(visits, docname: str) -> None:
    assert visits["desktop", docname].wide_code == [], "longest line of each code cell that scrolls"


@pytest.mark.browser
@pytest.mark.parametrize("docname", DOCNAMES)
def test_phone_page_is_no_wider_than_the_screen(visits, docname: str) -> None:
    visit = visits["phone", docname]
    assert visit.page_width <= VIEWPORTS["phone"]["width"]
    assert visit.wide_tables == [], "tables wider than the screen"


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("docname", DOCNAMES)
def test_table_columns_hold_their_words(visits, docname: str, viewport: str) -> None:
    # A table fits the screen by wrapping between words, not by squeezing a column so narrow
    # that the browser breaks its words mid-word.
    assert visits[viewport, docname].broken_words == []


# --- Widgets ------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("docname", _pages("disconnected"))
def test_no_widget_control_is_disconnected_from_its_picture(visits, docname: str) -> None:
    # A control on the website must move the picture beside it; a live widget's controls (which
    # need a kernel) are hidden by book.css, leaving a labelled static card.
    dead = {
        (index, control)
        for index, controls in visits["desktop", docname].controls.items()
        for control, changed in controls.items()
        if not changed
    }
    assert dead == set(), "(widget, control) pairs that changed no image"


@pytest.mark.browser
@pytest.mark.parametrize("docname", DOCNAMES)
def test_every_live_widget_is_a_labelled_static_card(visits, docname: str) -> None:
    # Its first frame and its note ("recomputes in JupyterLab"), no controls.
    cards = visits["desktop", docname].live_cards
    assert [c for c in cards if not (c["note"] and c["frames"] >= 1 and c["controls"] == 0)] == []


@pytest.mark.browser
@pytest.mark.parametrize("docname", DOCNAMES)
def test_every_kernel_free_demo_changes_its_frame(visits, docname: str) -> None:
    visit = visits["desktop", docname]
    for index in visit.demos:
        controls = visit.controls[index]
        assert controls, f"demo {index} has no control"
        assert all(controls.values()), f"demo {index}: {controls}"


# --- Figures ------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("docname", _pages("retina"))
def test_every_figure_has_twice_the_pixels_it_is_shown_at(visits, docname: str) -> None:
    figures = visits["desktop", docname].figures
    assert all(f["complete"] for f in figures)
    blurry = [(f["src"], f["natural"], round(f["shown"])) for f in figures]
    blurry = [(src, natural, shown) for src, natural, shown in blurry if natural + 1 < 2 * shown]
    assert blurry == [], "(figure, pixels wide, shown wide at 1366 px)"


@pytest.mark.browser
@pytest.mark.parametrize("docname", _pages("zoom"))
def test_a_click_on_a_notebook_figure_opens_it_full_size(visits, docname: str) -> None:
    figures = [f for f in visits["desktop", docname].figures if f["in_output"]]
    assert [f["src"] for f in figures if not f["opens_full_size"]] == []


FILE_LIKE = re.compile(r"^\S+\.(?:png|jpe?g|gif|svg|webp)$|^(?:data|blob):|[\\/_]", re.IGNORECASE)


def says_what_it_shows(alt: str | None) -> bool:
    """Whether an alt text reads as a description (words), not a file name or nothing.

    >>> [says_what_it_shows(a) for a in ("../_images/3f2a.png", "", None, "plot")]
    [False, False, False, False]
    >>> says_what_it_shows("Heatmap of the 6 x 4 table; the rows of ids 1 and 3 are highlighted")
    True
    """
    return bool(alt) and len(alt.split()) >= 3 and not FILE_LIKE.search(alt.split()[0])


@pytest.mark.browser
@pytest.mark.parametrize("docname", _pages("alt"))
def test_every_figure_says_what_it_shows(visits, docname: str) -> None:
    figures = visits["desktop", docname].figures
    assert [(f["src"], f["alt"]) for f in figures if not says_what_it_shows(f["alt"])] == []


# --- Accessibility --------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("docname", _pages("axe"))
def test_axe_finds_no_serious_violation_in_light_or_dark_mode(visits, docname: str) -> None:
    assert visits["desktop", docname].axe == {"light": [], "dark": []}


# A copy of a page's first visible code cell whose code is one token of each class, for axe.
TOKEN_SAMPLE_JS = """classes => {
  const cell = Array.from(document.querySelectorAll('.cell_input'))
    .find((input) => input.checkVisibility()).closest('.cell');
  const sample = cell.cloneNode(true);
  sample.id = 'code-token-sample';
  sample.querySelector('.cell_input pre').innerHTML = classes
    .map((name) => `<span class="${name}">${name}_token</span>`).join('\\n');
  cell.after(sample);
  sample.scrollIntoView();
  return sample.querySelectorAll('.cell_input pre span').length;
}"""


@pytest.mark.browser
def test_every_code_token_colour_is_legible_in_light_and_dark_mode(
    async_browser, site, built_book: BookBuild
) -> None:
    """Each class the syntax stylesheet colours, in a code cell as the chapters show it, under
    every axe rule (colour rules in both modes): the visits leave code out (see CODE_TOKENS)."""
    from axe_playwright_python.base import AXE_SCRIPT

    stylesheet = (built_book.html_dir / "_static" / "pygments.css").read_text()
    classes = sorted(set(re.findall(r"\.highlight \.([\w-]+) \{[^}]*\bcolor:", stylesheet)))
    assert len(classes) > 40, "the syntax stylesheet has changed shape: update the pattern"

    async def measured() -> dict[str, Any]:
        page = await async_browser.browser.new_page(viewport=VIEWPORTS["desktop"])
        try:
            await page.goto(urljoin(site, "chapters/01_syntax.html"))
            await _prepare_axe(page, AXE_SCRIPT)
            found = {"tokens": await page.evaluate(TOKEN_SAMPLE_JS, classes)}
            for mode, options in (("light", AXE_OPTIONS), ("dark", AXE_COLOUR_OPTIONS)):
                await _set_mode(page, mode)
                result = await page.evaluate(
                    "o => axe.run({include: [['#code-token-sample .cell_input']]}, o)", options
                )
                found[mode] = [
                    f"{v['id']}: {n['html'][:80]}" for v in result["violations"] for n in v["nodes"]
                ]
            return found
        finally:
            await page.close()

    assert async_browser.run(measured()) == {"tokens": len(classes), "light": [], "dark": []}


def test_chinese_text_is_marked_as_chinese(built_book: BookBuild) -> None:
    html = (built_book.html_dir / "chapters" / "glossary.html").read_text()
    text = re.sub(r"<span lang=\"zh\">[^<]*</span>", "", html.split("<article", 1)[1])
    text = re.sub(r"<[^>]+>", "", text)
    assert re.findall(r"[\u4e00-\u9fff]+", text) == [], "Chinese outside a lang=zh span"
    assert html.count('lang="zh"') >= 10


# --- The two editions: the language switch, Chinese text ------------------------------------------

BOOK_CSS = (ROOT / "_ext" / "static" / "book.css").read_text()
CJK_FONTS = re.findall(r'"([^"]+)"', re.search(r"--book-font-cjk:([^;]+);", BOOK_CSS).group(1))


def assert_switch_in_place(switch: dict[str, Any]) -> None:
    """The switch is shown whole, finger-sized, in a row with the theme's buttons."""
    assert switch["visible"] and 0 <= switch["left"] and switch["right"] <= switch["width"]
    assert switch["top"] >= 0, "cut off at the top of the page"
    assert switch["height"] >= 24, "too small a target for a finger"
    assert switch["off_row"] is not None and switch["off_row"] <= 4, "not beside the buttons"


@pytest.mark.usefixtures("built_editions")  # the switch leads to the other one
@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("docname", DOCNAMES)
def test_language_switch_leads_to_the_same_page_in_the_other_edition(
    visits, docname: str, viewport: str
) -> None:
    import urllib.request

    visit = visits[viewport, docname]
    switch = visit.switch
    assert switch is not None, "no language switch in the article header"
    chinese = bool(_edition_prefix(visit.url))
    assert (switch["text"], switch["lang"]) == (("English", "en") if chinese else ("中文", "zh-CN"))
    assert_switch_in_place(switch)
    assert switch["href"] == other_edition_url(visit.url)
    with urllib.request.urlopen(switch["href"]) as response:  # served on 127.0.0.1
        there = response.read().decode()
    back = re.search(r'<a class="[^"]*\blanguage-switch\b[^"]*" href="([^"]+)"', there)
    assert back, "the other edition's page has no switch"
    assert urljoin(switch["href"], back.group(1)) == visit.url, "its switch does not lead back"


async def _switch_on(browser, url: str, viewport: str) -> dict[str, Any] | None:
    page = await browser.new_page(viewport=VIEWPORTS[viewport])
    try:
        await page.goto(url)
        name = urlparse(url).path.split("/")[-1].removesuffix(".html")
        await page.screenshot(path=screenshot_path(_shot(url, f"{name}__switch_{viewport}")))
        return await page.evaluate(SWITCH_JS)
    finally:
        await page.close()


@pytest.mark.usefixtures("built_editions")  # the switch leads to the other one
@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("pagename", ["search", "genindex"])
def test_language_switch_on_the_pages_sphinx_writes(async_browser, site, pagename, viewport):
    # Search and the index have no source, so no doctree: the switch is on them too, in place.
    url = urljoin(site, f"{pagename}.html")
    switch = async_browser.run(_switch_on(async_browser.browser, url, viewport))
    assert switch is not None, "no language switch"
    assert_switch_in_place(switch)
    assert switch["href"] == other_edition_url(url)


async def _switch_there_and_back_on_a_phone(browser, start: str) -> list[str]:
    """Tap the switch with a finger, then come back by keyboard (Tab to it, Enter)."""
    context = await browser.new_context(viewport=VIEWPORTS["phone"], has_touch=True, is_mobile=True)
    page = await context.new_page()
    seen = []
    try:
        await page.goto(start)
        async with page.expect_navigation():
            await page.locator(".bd-header-article a.language-switch").tap(timeout=5_000)
        seen.append(page.url)
        await page.screenshot(path=screenshot_path(_shot(page.url, "language_switch__phone")))
        for _ in range(30):  # Tab through the page until the switch has the focus
            await page.keyboard.press("Tab")
            if await page.evaluate("document.activeElement.matches('a.language-switch')"):
                break
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        seen.append(page.url)
    finally:
        await context.close()
    return seen


@pytest.mark.usefixtures("built_editions")  # the switch leads to the other one
@pytest.mark.browser
def test_language_switch_on_a_phone_by_finger_and_keyboard(async_browser, site: str) -> None:
    start = urljoin(site, "chapters/02_parameters.html")
    seen = async_browser.run(_switch_there_and_back_on_a_phone(async_browser.browser, start))
    assert seen == [other_edition_url(start), start]


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("docname", DOCNAMES)
def test_chinese_characters_are_glyphs_in_a_cjk_font(visits, docname: str, viewport: str) -> None:
    # Every page has Chinese text (an English page at least its switch's 中文). Distinct characters
    # draw as distinct, non-empty pictures (without a CJK font each is the same empty box), and
    # Chromium drew them in a font of the book's CJK stack (CDP's platform fonts for the element):
    # here Noto Sans CJK SC, from Debian's fonts-noto-cjk (`make system-deps`).
    cjk = visits[viewport, docname].cjk
    assert cjk is not None, "no Chinese text on the page"
    assert cjk["blank"] == 0 and cjk["distinct"] == len(cjk["chars"]), cjk
    assert set(cjk["fonts"]) & set(CJK_FONTS), f"{cjk}: drawn in none of {CJK_FONTS}"


# --- Navigation, search, theme, print ------------------------------------------------------------


async def _until_shown(locator, shown: bool, timeout_s: float = 5.0) -> None:
    """Wait until ``locator`` is (or is no longer) visible: a drawer opens, or a sidebar folds,
    in a few hundred milliseconds, longer on a loaded machine. The caller checks the outcome."""
    deadline = time.monotonic() + timeout_s
    while bool(await _visible(locator)) != shown and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


async def _open_primary_and_navigate(browser, base_url: str, width: int) -> list[str]:
    page = await browser.new_page(viewport={"width": width, "height": 844})
    seen = []
    try:
        await page.goto(urljoin(base_url, "chapters/01_syntax.html"))
        target = page.locator(
            '.bd-sidebar-primary a[href="03_worked_example.html"],'
            ' #pst-primary-sidebar-modal a[href="03_worked_example.html"]'
        )
        toggle = (await _visible(page.locator(".primary-toggle")))[0]
        before = bool(await _visible(target))
        await toggle.click()
        await _until_shown(target, not before)
        seen.append(f"link visible before {before}, after one click {bool(await _visible(target))}")
        if not await _visible(target):  # a wide screen: the first click folds the sidebar away
            await toggle.click()
            await _until_shown(target, True)
        link = (await _visible(target))[0]
        await link.click()
        await page.wait_for_url("**/03_worked_example.html", timeout=5_000)
        seen.append(urlparse(page.url).path)
        await page.screenshot(path=screenshot_path(_shot(base_url, f"nav_primary_{width}")))
    finally:
        await page.close()
    return seen


@pytest.mark.browser
@pytest.mark.parametrize("width", NAV_WIDTHS)
def test_the_visible_sidebar_toggle_opens_it_and_a_chapter_link_navigates(
    async_browser: AsyncBrowser, site: str, width: int
) -> None:
    seen = async_browser.run(_open_primary_and_navigate(async_browser.browser, site, width))
    assert "link visible before True, after one click True" not in seen[0], "the toggle did nothing"
    assert seen[-1].endswith("/chapters/03_worked_example.html")


async def _open_page_toc_and_jump(browser, base_url: str, width: int) -> tuple[bool, str]:
    page = await browser.new_page(viewport={"width": width, "height": 844})
    try:
        await page.goto(urljoin(base_url, "chapters/01_syntax.html"))
        toggles = await _visible(page.locator(".secondary-toggle"))
        links = page.locator("nav.page-toc a.nav-link")
        if toggles:
            await toggles[0].click()
            await _until_shown(links, True)
        opened = await page.evaluate(
            "() => document.querySelector('#pst-secondary-sidebar-modal')?.open ?? false"
        )
        await (await _visible(links))[2].click()
        try:
            await page.wait_for_function("() => location.hash !== ''", timeout=5_000)
        except Exception:  # the empty fragment fails the test
            pass
        return bool(toggles) == opened, urlparse(page.url).fragment
    finally:
        await page.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", NAV_WIDTHS)
def test_on_this_page_opens_and_its_links_jump(async_browser, site: str, width: int) -> None:
    # Below 1200 px "on this page" is a drawer behind a toggle; wider, it is always shown.
    toggle_opened_the_drawer, fragment = async_browser.run(
        _open_page_toc_and_jump(async_browser.browser, site, width)
    )
    assert toggle_opened_the_drawer
    assert fragment != ""


@pytest.mark.browser
def test_search_finds_padding_idx(async_browser: AsyncBrowser, site: str) -> None:
    async def search() -> int:
        page = await async_browser.browser.new_page()
        try:
            await page.goto(urljoin(site, "search.html?q=padding_idx"))
            results = page.locator("#search-results ul.search li")
            await results.first.wait_for(timeout=15_000)
            await page.screenshot(path=screenshot_path(_shot(site, "search")))
            return await results.count()
        finally:
            await page.close()

    assert async_browser.run(search()) >= 1


@pytest.mark.browser
def test_theme_button_switches_to_dark_mode_and_back(async_browser, site: str) -> None:
    async def cycle() -> list[str]:
        page = await async_browser.browser.new_page()
        try:
            await page.goto(urljoin(site, f"{DOCNAMES[0]}.html"))
            theme = "document.documentElement.dataset.theme"
            seen = [await page.evaluate(theme)]
            for _ in range(3):  # the button cycles light -> dark -> auto (auto is light here)
                await page.locator(".theme-switch-button").first.click()
                seen.append(await page.evaluate(theme))
            await page.locator(".theme-switch-button").first.click()
            await page.screenshot(path=screenshot_path(_shot(site, "dark_mode")))
            return seen
        finally:
            await page.close()

    seen = async_browser.run(cycle())
    assert seen[0] == "light"
    assert "dark" in seen
    assert seen[-1] == "light"


PRINT_CHECK_JS = """() => {
  const shown = (sel) => Array.from(document.querySelectorAll(sel))
    .filter((e) => e.checkVisibility());
  return {
    controls: shown('.jupyter-widgets .widget-slider, .jupyter-widgets .widget-play,'
      + ' .jupyter-widgets .widget-dropdown, .jupyter-widgets .widget-checkbox').length,
    frames: shown('.widget-subarea img').length,
    navigation: shown('.bd-sidebar-primary, .bd-sidebar-secondary, .bd-header-article,'
      + ' .prev-next-area').length,
    cut_code: shown('pre').filter(e => e.scrollWidth > e.clientWidth + 1).length,
  };
}"""
WIDGET_PAGES = [name for name in NOTEBOOKS if '"application/vnd.jupyter.widget-state+json"' in (
    ROOT / f"{name}.ipynb").read_text()]  # fmt: skip


@pytest.mark.browser
@pytest.mark.parametrize("docname", WIDGET_PAGES)
def test_print_shows_frames_without_controls_or_navigation(async_browser, site, docname) -> None:
    async def printed() -> dict[str, int]:
        page = await async_browser.browser.new_page(viewport=VIEWPORTS["desktop"])
        try:
            await page.goto(urljoin(site, f"{docname}.html"))
            await page.evaluate(SCROLL_THROUGH_JS, WIDGET_VIEW)
            await page.wait_for_function(
                f"sel => ({UNRENDERED_WIDGETS_JS})(sel) === 0", arg=WIDGET_VIEW, timeout=20_000
            )
            await page.emulate_media(media="print")
            return await page.evaluate(PRINT_CHECK_JS)
        finally:
            await page.close()

    seen = async_browser.run(printed())
    assert seen["frames"] >= 1
    assert seen == {"controls": 0, "frames": seen["frames"], "navigation": 0, "cut_code": 0}


@pytest.mark.browser
@pytest.mark.parametrize("docname", NOTEBOOKS)
def test_notebook_download_link_resolves(visits, docname: str) -> None:
    href = visits["desktop", docname].download_href
    assert href is not None, "no .ipynb entry in the download menu"
    import urllib.request

    with urllib.request.urlopen(href) as response:  # served on 127.0.0.1
        assert response.status == 200
        assert "cells" in json.loads(response.read())


@pytest.mark.browser
def test_requests_to_other_hosts_are_blocked_and_recorded(async_browser, site: str) -> None:
    # The offline checks are only as good as this: a request to another host fails here (it goes
    # to a dead proxy on 127.0.0.1, so nothing leaves the machine) and is recorded.
    async def probe() -> tuple[str, list[str]]:
        page = await async_browser.browser.new_page()
        seen: list[str] = []
        page.on("request", lambda r: seen.append(r.url) if _is_foreign(r.url) else None)
        try:
            await page.goto(urljoin(site, f"{DOCNAMES[0]}.html"))
            outcome = await page.evaluate(
                "() => fetch('http://192.0.2.1/probe', {mode: 'no-cors'})"
                ".then(() => 'loaded', () => 'blocked')"
            )
        finally:
            await page.close()
        return outcome, seen

    outcome, seen = async_browser.run(probe())
    assert outcome == "blocked"
    assert seen == ["http://192.0.2.1/probe"]


# --- Static checks on the built files (no browser) -----------------------------------------------

REMOTE_RESOURCE = re.compile(
    r"<(?:script|img|iframe|source|video|audio|embed)\b[^>]*\bsrc=[\"']?(?:https?:)?//"
    r"|<link\b[^>]*\bhref=[\"']?(?:https?:)?//",
    flags=re.IGNORECASE,
)
REMOTE_CSS = re.compile(
    r"url\(\s*[\"']?(?:https?:)?//|@import\s+[\"']?(?:url\()?[\"']?(?:https?:)?//"
)
# A paragraph holding a pipe table's header separator: markdown that was not parsed as a table.
PIPE_TABLE_PARAGRAPH = re.compile(r"<p>[^<]*\|\s*:?(?:-{3,}|\u2014)", flags=re.DOTALL)


def test_no_built_page_links_a_remote_resource(built_book: BookBuild) -> None:
    offenders = {}
    for page in sorted(built_book.html_dir.rglob("*.html")):
        hits = [m.group(0) for m in REMOTE_RESOURCE.finditer(page.read_text(errors="replace"))]
        if hits:
            offenders[str(page.relative_to(built_book.html_dir))] = hits
    assert offenders == {}


def test_hreflang_links_are_absolute(built_book: BookBuild) -> None:
    # Search engines and Lighthouse's SEO audit take only absolute hreflang addresses; a relative
    # one marks the page invalid (SEO 91 -> 82). _ext/editions.py writes them only with a baseurl.
    relative = {}
    for page in sorted(built_book.html_dir.glob("**/*.html")):
        hrefs = re.findall(
            r'<link rel="alternate" hreflang="[^"]*" href="([^"]*)"', page.read_text()
        )
        if [href for href in hrefs if not re.match(r"https?://", href)]:
            relative[str(page.relative_to(built_book.html_dir))] = hrefs
    assert relative == {}


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


@pytest.mark.parametrize("docname", DOCNAMES)
def test_page_loads_only_the_scripts_it_uses(built_book: BookBuild, docname: str) -> None:
    html = (built_book.html_dir / f"{docname}.html").read_text()
    head, body = html.split("</head>", 1)
    scripts = re.findall(r"<script\b[^>]*\bsrc=\"([^\"?]+)", head)
    assert not [s for s in scripts if "fontawesome" in s or "thebe" in s], scripts
    assert "THEBE_JS_URL" not in html
    # MathJax and the widget manager are loaded by page_assets.js, and only where needed.
    assert not [s for s in scripts if "mathjax" in s or "embed.js" in s], scripts
    lazy = re.search(r'id="page-assets-lazy"[^>]*>(.*?)</script>', head, flags=re.DOTALL)
    names = {asset["name"] for asset in json.loads(lazy.group(1))} if lazy else set()
    assert ("mathjax" in names) == ('class="math' in body)
    assert ("widgets" in names) == ("application/vnd.jupyter.widget-view+json" in body)


@pytest.mark.parametrize("docname", DOCNAMES)
def test_markdown_outputs_are_tables_not_pipe_text(built_book: BookBuild, docname: str) -> None:
    html = (built_book.html_dir / f"{docname}.html").read_text()
    assert PIPE_TABLE_PARAGRAPH.findall(html) == []


@pytest.mark.parametrize(
    ("docname", "header", "count"),
    [
        ("chapters/07_sparse_and_optimizers", "setting", 1),
        ("chapters/05_learnable_vs_hyper", "kind", 3),
    ],
)
def test_main_results_are_tables(built_book: BookBuild, docname: str, header: str, count: int):
    # The optimizer x sparse matrix (chapter 6) and the three model reports (chapter 5).
    html = (built_book.html_dir / f"{docname}.html").read_text()
    outputs = re.findall(
        r'<div class="cell_output docutils container">.*?</table>', html, re.DOTALL
    )
    headed = [
        o for o in outputs if re.search(rf"<th[^>]*>\s*(?:<p>)?{header}\b", o.split("<table")[-1])
    ]
    assert len(headed) >= count


def test_every_page_weighs_at_most_2_mb(built_book: BookBuild) -> None:
    page_weight = load_page_weight()
    missing = [name for name in DOCNAMES if not (built_book.html_dir / f"{name}.html").is_file()]
    assert missing == [], "pages in the toc that were not built"
    weights = page_weight.measure(built_book.html_dir, DOCNAMES)
    assert [w.docname for w in weights] == DOCNAMES
    heavy = {w.docname: w.total for w in weights if w.total > page_weight.BUDGET_BYTES}
    assert heavy == {}


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
