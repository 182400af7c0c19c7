"""JupyterLab as a learner meets it: `make lab` on a clean clone, driven by headless Chromium.

One Lab server for the whole module: the Makefile's own ``lab`` recipe (``make -o install lab``
with this venv's ``BIN``), run in a copy of the repository's tracked files with an empty ``HOME``,
on 127.0.0.1 with a token. Chromium (1366 x 900, the file browser open) then does what a learner
does and checks what they see:

* the URL ``make lab`` prints opens the landing page; MyST renders there (a ``{term}`` is a link,
  a chapter link opens chapter 1; a note is a box in chapter 2); no news pop-up;
* every chapter with widgets, opened without running anything, is trusted and shows its saved
  widgets rendered and its exercise solutions collapsed; moving a kernel-free widget's control
  changes its picture; saving it then changes nothing on disk;
* Run All works; moving a live widget's slider makes the kernel redraw; every live widget fits
  (slider tracks >= 150 px, controls inside the output area, no truncated label, pictures
  with 2x pixels);
* saved, closed with its kernel shut down and reopened (a fresh kernel holds none of the
  widgets' models; in Lab, saved widgets render only once a kernel is connected), chapters 2
  and 6 still show every widget from their saved state, and it still works;
* nothing was written to ``HOME``, and kernels started without the unencrypted-TCP warning.

The server is always shut down; screenshots go to ``_build/screenshots/jupyterlab_*.png``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import pytest
import test_notebook_policy as policy
from playwright.sync_api import expect
from site_helpers import (
    BLOCK_OTHER_HOSTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    chromium_available,
    screenshot_path,
)

VIEWPORT = {"width": 1366, "height": 900}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LIVE_SLIDER_CALL = "max_norm_explorer("  # chapter 2's live explorer, moved below
STEP_THROUGH_CALL = "step_through("  # the live step-through (chapter 6), photographed below


def _chapters_with_widgets() -> list[str]:
    """The chapters whose committed outputs show widgets, e.g. ``chapters/02_parameters.ipynb``."""
    found = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        notebook = json.loads(path.read_text())
        outputs = [o for c in notebook["cells"] for o in c.get("outputs", [])]
        if any(WIDGET_VIEW in o.get("data", {}) for o in outputs):
            found.append(f"chapters/{path.name}")
    return found


CHAPTERS = _chapters_with_widgets()


@dataclass
class Lab:
    """The running server, the clean clone it serves, and what the tests learned on the way."""

    printed_urls: list[str]
    url: str
    token: str
    root: Path
    home: Path
    log: Path
    ran: set[str] = field(default_factory=set)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def _clean_clone(destination: Path) -> None:
    """Copy the files git tracks (as they are in the work tree), nothing else."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source, target = ROOT / name, destination / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    base = tmp_path_factory.mktemp("jupyterlab")
    root, home = base / "book", base / "home"
    home.mkdir()
    _clean_clone(root)
    port, token = _free_port(), secrets.token_hex(16)
    flags = (
        f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 "
        f"--IdentityProvider.token={token} --LabApp.expose_app_in_browser=True"
    )
    command = ["make", "-o", "install", "lab", f"BIN={Path(sys.executable).parent}"]
    # An empty HOME shows whether anything is written to the user's own Jupyter folders;
    # matplotlib keeps its real cache (a new one would take the kernel seconds to build).
    env = os.environ | {"HOME": str(home), "MPLCONFIGDIR": matplotlib.get_configdir()}
    log_path = base / "make_lab.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [*command, f"LAB_FLAGS={flags}"],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(f"{url}api/status?token={token}")[0] == 200 and "token=" in (
                    log_path.read_text()
                ):
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"`make lab` did not start JupyterLab:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.25)
        printed = sorted(set(re.findall(r"http://\S+", log_path.read_text())))
        yield Lab(printed, url, token, root, home, log_path)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # Jupyter shuts its kernels down on SIGTERM
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=5)
        log.close()


@pytest.fixture(scope="module")
def page(lab: Lab):
    if not chromium_available():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make system-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS + BLOCK_OTHER_HOSTS
        )
        page = browser.new_page(viewport=VIEWPORT)
        page.set_default_timeout(30_000)
        # The URL `make lab` printed (with the token, which Jupyter elides when it was given).
        printed = next(u for u in lab.printed_urls if u.startswith("http://127.0.0.1"))
        page.goto(printed.replace("token=...", f"token={lab.token}"))
        page.wait_for_function(
            "() => window.jupyterapp?.shell?.currentWidget?.context?.isReady", timeout=60_000
        )
        page.evaluate("() => window.jupyterapp.shell.activateById('filebrowser')")
        try:
            yield page
        finally:
            browser.close()


# --- JupyterLab, driven through its own application object (exposed by the test's flags) ------

PANEL = "Array.from(window.jupyterapp.shell.widgets('main')).find(w => w.context?.path === path)"

OPEN_JS = """async (path) => {
  const app = window.jupyterapp;
  const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await panel.context.ready;
  app.shell.activateById(panel.id);
  return panel.id;
}"""
# The notebook's widget outputs, from its model (views) and from the page (what shows instead).
WIDGET_OUTPUTS_JS = f"""(path) => {{
  const panel = {PANEL};
  const cells = panel.content.model.cells;
  let views = 0, untrusted = 0;
  for (let i = 0; i < cells.length; i++) {{
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    const shown = cell.outputs.toJSON().filter(o => o.data && o.data['{WIDGET_VIEW}']).length;
    views += shown;
    if (shown && !cell.trusted) untrusted += 1;
  }}
  const outputs = panel.node.querySelectorAll(
    '.jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output');
  const rendered = [], other = [], pending = [];
  for (const output of outputs) {{
    if (output.querySelector(':scope > .jupyter-widgets[class*=" widget-"]'))
      rendered.push(output);
    else if (/Error displaying widget|^(VBox|HBox|Stack|Box)\\(/.test(output.innerText.trim()))
      other.push(output.innerText.trim().slice(0, 120));
    else if (output.dataset.mimeType === '{WIDGET_VIEW}')  // what a failure shows instead
      pending.push(`cell ${{Array.from(panel.node.querySelectorAll('.jp-CodeCell'))
        .findIndex((c) => c.contains(output))}}: ${{output.outerHTML.slice(0, 160)}}`);
  }}
  return {{views, untrusted, rendered: rendered.length, other, pending}};
}}"""
# The open notebook: kernel status, execution counts, errors of cells not tagged raises-exception.
NOTEBOOK_STATE_JS = f"""(path) => {{
  const panel = {PANEL};
  const cells = panel.content.model.cells;
  const code = Array.from({{length: cells.length}}, (_, i) => cells.get(i))
    .filter((cell) => cell.type === 'code');
  const unexpected = [];
  for (const cell of code) {{
    if ((cell.getMetadata('tags') || []).includes('raises-exception')) continue;
    for (const out of cell.outputs.toJSON()) {{
      if (out.output_type === 'error') unexpected.push(out.ename + ': ' + out.evalue);
    }}
  }}
  return {{
    status: panel.sessionContext.session?.kernel?.status ?? 'none',
    counts: code.map((cell) => cell.executionCount),
    unexpected,
  }};
}}"""
# Cells the website hides behind "click to show" (exercise solutions): are they collapsed here?
HIDDEN_CELLS_JS = f"""(path) => {{
  const panel = {PANEL};
  return panel.content.widgets
    .filter((cell) => (cell.model.getMetadata('tags') || []).includes('hide-cell'))
    .map((cell) => ({{
      inputHidden: cell.inputHidden,
      outputHidden: cell.model.type !== 'code' || cell.model.outputs.length === 0
        || cell.outputHidden,
      placeholder: cell.node.querySelector('.jp-Placeholder') !== null,
    }}));
}}"""
# What a picture shows, as a hash of the visible images' bytes (sources) in an element.
PICTURE_JS = """(root) => {
  let hash = 0;
  const shown = Array.from(root.querySelectorAll('img')).filter((img) => img.checkVisibility());
  for (const img of shown) for (let i = 0; i < img.src.length; i++)
    hash = (hash * 31 + img.src.charCodeAt(i)) >>> 0;
  return shown.length + ':' + hash;
}"""
# Everything about a live widget that does not fit a 1366 px window with the file browser open.
LIVE_LAYOUT_JS = """(root) => {
  const area = root.closest('.jp-OutputArea-output').getBoundingClientRect();
  const problems = [];
  const labelOf = (el) => (el.querySelector('.widget-label, .widget-label-basic')?.textContent
    || el.className).trim();
  for (const track of root.querySelectorAll('.widget-slider .noUi-target')) {
    const width = track.getBoundingClientRect().width;
    if (track.closest('.widget-slider').getBoundingClientRect().width === 0) continue;
    if (width < 150) problems.push(
      `slider ${labelOf(track.closest('.widget-slider'))}: track ${Math.round(width)} px (< 150)`);
  }
  const controls = root.querySelectorAll('.widget-slider, .widget-dropdown, .widget-checkbox, '
    + '.widget-play, .widget-button, .widget-toggle-buttons, .widget-radio, .widget-text');
  for (const control of controls) {
    const box = control.getBoundingClientRect();
    if (box.width === 0) continue;  // hidden
    if (box.left < area.left - 1 || box.right > area.right + 1) problems.push(
      `${labelOf(control)}: x ${Math.round(box.left)}..${Math.round(box.right)} px, outside `
      + `the output area ${Math.round(area.left)}..${Math.round(area.right)}`);
  }
  for (const label of root.querySelectorAll('.widget-label, .widget-label-basic')) {
    if (!label.textContent.trim() || label.getBoundingClientRect().width === 0) continue;
    if (label.scrollWidth > label.clientWidth + 1) problems.push(
      `label "${label.textContent.trim()}" truncated: ${label.clientWidth} of `
      + `${label.scrollWidth} px shown`);
  }
  for (const img of root.querySelectorAll('img')) {
    if (!img.checkVisibility()) continue;
    const shown = img.getBoundingClientRect().width;
    if (img.naturalWidth < 2 * shown - 2) problems.push(
      `picture ${img.naturalWidth} px wide shown at ${Math.round(shown)} px (needs 2x pixels)`);
  }
  return problems;
}"""
WIDGET_ROOTS = (
    ".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output > .jupyter-widgets"
)
# A live widget (needs a kernel): the contract's class, or today's LiveView (a box with an Image).
LIVE = ".embedlib-live, .widget-vbox:has(> img.widget-image)"


# Resolves once the element's DOM has not changed for ``quiet`` ms: jupyterlab-myst renders the
# whole notebook again after each Markdown cell it renders, replacing nodes for a while.
QUIET_JS = """([id, quiet, limit]) => new Promise((resolve) => {
  const node = document.getElementById(id);
  const start = performance.now();
  let last = performance.now();
  const observer = new MutationObserver(() => { last = performance.now(); });
  observer.observe(node, {subtree: true, childList: true, attributes: true});
  const check = () => {
    const now = performance.now();
    if (now - last >= quiet || now - start >= limit) {
      observer.disconnect();
      resolve(now - start);
    } else setTimeout(check, 50);
  };
  check();
})"""


# The first note admonition's box, scrolled into view (jupyterlab-myst may replace its node
# while it renders cells coming into view, so look it up again until it stays).
NOTE_BOX_JS = """async (id) => {
  const find = () => document.getElementById(id).querySelector(
    '.jp-MarkdownCell aside.myst-admonition-note');
  for (let i = 0; i < 50; i++) {
    const note = find();
    if (note) {
      note.scrollIntoView({block: 'center'});
      await new Promise((resolve) => setTimeout(resolve, 100));
      const again = find();
      if (again === note) return {
        height: note.getBoundingClientRect().height,
        border: getComputedStyle(note).borderLeftWidth,
        title: note.querySelector('.myst-admonition-header')?.textContent,
      };
    } else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}"""


def _open(page, path: str):
    """Open a notebook as the current tab, wait for it to settle, return its panel's locator."""
    panel_id = page.evaluate(OPEN_JS, path)
    page.evaluate(QUIET_JS, [panel_id, 300, 20_000])
    return page.locator(f'[id="{panel_id}"]')


def _wait_for_widgets(page, path: str, timeout: float = 30) -> dict:
    """Wait until every widget the notebook shows has rendered (or something else shows)."""
    deadline = time.monotonic() + timeout
    state = page.evaluate(WIDGET_OUTPUTS_JS, path)
    while state["rendered"] < state["views"] and not state["other"]:
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
        state = page.evaluate(WIDGET_OUTPUTS_JS, path)
    return state


def _assert_widgets_render(page, path: str) -> None:
    state = _wait_for_widgets(page, path, timeout=60)
    state["kernel"] = page.evaluate(
        f"(path) => {{ const panel = {PANEL}; "
        "return panel.sessionContext.session?.kernel?.status ?? 'none'; }",
        path,
    )
    assert state["views"] > 0, f"{path}: no widget outputs"
    assert state["untrusted"] == 0, f"{path}: {state['untrusted']} cells with widgets untrusted"
    assert state["other"] == [], f"{path}: widgets shown as text: {state['other']}"
    assert state["rendered"] == state["views"], f"{path}: {state}"


def _move_a_control(page, root) -> None:
    """Move the first control of a widget as a reader would: next option, or slider right."""
    select = root.locator("select")
    if select.count():
        options = select.first.locator("option").count()
        current = select.first.evaluate("s => s.selectedIndex")
        select.first.select_option(index=(current + 1) % options)
        return
    handle = root.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    handle.press("ArrowRight")


def _widget_roots(panel, *, live: bool) -> list:
    """The notebook's top-level widgets that need a kernel (``live``) or that do not."""
    roots = panel.locator(WIDGET_ROOTS)
    is_live = "(root, live) => root.matches(live) || root.querySelector(live) !== null"
    return [
        roots.nth(i) for i in range(roots.count()) if roots.nth(i).evaluate(is_live, LIVE) == live
    ]


# How many red broken-link icons ("no kernel connection") a widget shows.
ICONS_JS = """(root) => [root, ...root.querySelectorAll('.jupyter-widgets-disconnected')]
  .filter((el) => el.classList.contains('jupyter-widgets-disconnected'))
  .filter((el) => getComputedStyle(el, '::before').display !== 'none').length"""


def _assert_precomputed_widgets_work(page, panel, path: str) -> None:
    precomputed = _widget_roots(panel, live=False)
    assert precomputed, f"{path}: no kernel-free widget"
    icons = [root.evaluate(ICONS_JS) for root in panel.locator(WIDGET_ROOTS).all()]
    assert max(icons) <= 1, f"{path}: broken-link icons per widget: {icons}"
    for root in precomputed:
        root.scroll_into_view_if_needed()
        before = root.evaluate(PICTURE_JS)
        _move_a_control(page, root)
        deadline = time.monotonic() + 5
        while root.evaluate(PICTURE_JS) == before and time.monotonic() < deadline:
            time.sleep(0.1)
        assert root.evaluate(PICTURE_JS) != before, f"{path}: the picture did not change"


def _run_all(page, lab: Lab, paths: list[str]) -> None:
    """Run All in each notebook not run yet, from the Run menu, all at once; wait for them."""
    started = []
    for path in paths:
        if path in lab.ran:
            continue
        _open(page, path)
        page.wait_for_function(
            f"(path) => {{ const panel = {PANEL}; "
            "return panel.sessionContext.session?.kernel?.status === 'idle'; }",
            arg=path,
            timeout=60_000,
        )
        page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
        label = page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$"))
        page.locator(".lm-Menu-item", has=label).click()
        started.append(path)
    deadline = time.monotonic() + 120  # whole chapters, on a possibly busy machine
    for path in started:
        state = page.evaluate(NOTEBOOK_STATE_JS, path)
        while not (state["status"] == "idle" and None not in state["counts"]):
            if state["unexpected"] or time.monotonic() > deadline:
                break
            time.sleep(0.25)
            state = page.evaluate(NOTEBOOK_STATE_JS, path)
        assert state["unexpected"] == [], f"{path}: cells failed: {state['unexpected']}"
        assert None not in state["counts"], f"{path}: not every cell ran: {state}"
        lab.ran.add(path)


def _shot(page, name: str, root=None) -> None:
    if root is not None:
        root.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_path(f"jupyterlab_{name}"))


# --- the tests, in the order a learner meets things -------------------------------------------


@pytest.mark.lab
def test_make_lab_prints_urls_of_the_landing_page_and_ships_its_settings(lab: Lab) -> None:
    assert lab.printed_urls, lab.log.read_text()[-2000:]
    for url in lab.printed_urls:
        if "token=" in url:
            assert url.split("?")[0].endswith("/lab/tree/chapters/index.ipynb"), url
    for plugin, key, value in [
        ("@jupyter-widgets/jupyterlab-manager:plugin", "saveState", True),
        ("@jupyterlab/apputils-extension:notification", "fetchNews", "false"),
    ]:
        # Shipped settings are overrides: Lab serves them as the schema's defaults.
        status, body = _get(f"{lab.url}lab/api/settings/{plugin}?token={lab.token}")
        setting = json.loads(body)["schema"]["properties"][key]
        assert status == 200 and setting["default"] == value, (plugin, setting)


@pytest.mark.lab
def test_landing_page_renders_myst_and_links_to_the_chapters(page) -> None:
    path = "chapters/index.ipynb"
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget.context.path") == path
    panel = _open(page, path)
    markdown = panel.locator(".jp-MarkdownCell .myst")
    expect(markdown).to_have_count(panel.locator(".jp-MarkdownCell").count())
    text = "\n".join(markdown.all_inner_texts())
    assert not re.search(r"\{(term|doc|ref|cite|note)\}", text), "MyST shown as raw text"
    term = panel.locator(".jp-MarkdownCell a", has_text=re.compile(r"^token$"))
    assert term.count() >= 1, "{term}`token` is not a link"
    assert page.get_by_text("official Jupyter news").count() == 0, "news pop-up"
    chapter_1 = panel.locator(".jp-MarkdownCell a", has_text=re.compile(r"^01_syntax"))
    chapter_1.first.click()
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget?.context?.path === 'chapters/01_syntax.ipynb'"
    )


@pytest.mark.lab
@pytest.mark.parametrize("path", CHAPTERS)
def test_saved_widgets_render_and_work_before_anything_runs(page, lab: Lab, path: str) -> None:
    on_disk = (lab.root / path).read_bytes()
    panel = _open(page, path)
    _assert_widgets_render(page, path)
    if path.endswith("02_parameters.ipynb"):  # MyST: a note admonition is a box
        box = page.evaluate(NOTE_BOX_JS, panel.get_attribute("id"))
        assert box and box["height"] > 40 and box["border"] != "0px", f"no note box: {box}"
    _assert_precomputed_widgets_work(page, panel, path)
    collapsed = {"inputHidden": True, "outputHidden": True, "placeholder": True}
    deadline = time.monotonic() + 10  # the placeholders are drawn as the cells render
    hidden = page.evaluate(HIDDEN_CELLS_JS, path)
    while not all(cell == collapsed for cell in hidden) and time.monotonic() < deadline:
        time.sleep(0.2)
        hidden = page.evaluate(HIDDEN_CELLS_JS, path)
    assert hidden, f"{path}: no exercise solution tagged hide-cell"
    assert all(cell == collapsed for cell in hidden), f"{path}: solutions shown: {hidden}"
    _shot(page, f"{Path(path).stem}_1_before_running", panel.locator(WIDGET_ROOTS).first)
    # Saved as it is (autosave does so two minutes after opening): nothing changes on disk, the
    # saved widget state included (Lab's widget manager alone would save it empty).
    page.evaluate(f"async (path) => {{ const panel = {PANEL}; await panel.context.save(); }}", path)
    assert (lab.root / path).read_bytes() == on_disk, f"{path} changed by opening and saving"


@pytest.mark.lab
def test_a_live_slider_makes_the_kernel_redraw(page, lab: Lab) -> None:
    path = next(p for p in CHAPTERS if p.endswith("02_parameters.ipynb"))
    _run_all(page, lab, CHAPTERS)
    panel = _open(page, path)
    cell = panel.locator(".jp-CodeCell").filter(
        has=page.locator(".jp-InputArea-editor", has_text=LIVE_SLIDER_CALL)
    )
    live = cell.locator(WIDGET_ROOTS).filter(
        has=page.locator(".widget-label", has_text=re.compile(r"^max_norm$"))
    )
    assert live.count() == 1, f"{live.count()} live max_norm explorers"
    live.scroll_into_view_if_needed()
    readout = live.locator(".widget-slider .widget-readout").first
    before, value_before = live.evaluate(PICTURE_JS), readout.inner_text()
    handle = live.locator(".widget-slider .noUi-handle").first
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")
    deadline = time.monotonic() + 20
    while live.evaluate(PICTURE_JS) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert float(readout.inner_text()) > float(value_before)
    assert live.evaluate(PICTURE_JS) != before, "the kernel did not redraw the image"
    assert page.evaluate(NOTEBOOK_STATE_JS, path)["unexpected"] == []


@pytest.mark.lab
def test_live_widgets_fit_a_1366_px_window_with_the_file_browser_open(page, lab: Lab) -> None:
    problems = []
    _run_all(page, lab, CHAPTERS)
    for path in CHAPTERS:
        panel = _open(page, path)
        assert page.evaluate("() => !window.jupyterapp.shell.leftCollapsed")
        for root in _widget_roots(panel, live=True):
            root.scroll_into_view_if_needed()
            problems += [f"{Path(path).stem}: {p}" for p in root.evaluate(LIVE_LAYOUT_JS)]
        cell = panel.locator(".jp-CodeCell").filter(
            has=page.locator(".jp-InputArea-editor", has_text=STEP_THROUGH_CALL)
        )
        if cell.count():
            _shot(page, f"{Path(path).stem}_live_step_through_1366px", cell.locator(WIDGET_ROOTS))
    assert problems == [], "\n".join(problems)


@pytest.mark.lab
def test_run_save_close_and_reopen_keeps_the_widgets(page, lab: Lab) -> None:
    # The first and the last chapter with widgets (2 and 6 today): every kind of widget the book
    # has is in them, and the machinery is the same for all.
    reopened = sorted({CHAPTERS[0], CHAPTERS[-1]})
    _run_all(page, lab, CHAPTERS)
    page.evaluate(
        f"""async (paths) => await Promise.all(paths.map(async (path) => {{
          const panel = {PANEL};
          await panel.context.save();
          await panel.sessionContext.shutdown();
          panel.dispose();
        }}))""",
        reopened,
    )
    lab.ran.difference_update(reopened)
    for path in reopened:
        policy.test_saved_widget_state_has_every_model_its_views_need(lab.root / path)
    for path in reopened:
        panel = _open(page, path)
        _assert_widgets_render(page, path)
        _assert_precomputed_widgets_work(page, panel, path)
        _shot(page, f"{Path(path).stem}_2_after_run_save_reopen", panel.locator(WIDGET_ROOTS).first)
        # A fresh kernel: the widgets came from the saved state alone, none of them lives in it.
        comms = page.evaluate(
            f"""async (path) => {{
              const panel = {PANEL};
              await panel.sessionContext.ready;
              const kernel = panel.sessionContext.session.kernel;
              const reply = await kernel.requestCommInfo({{target_name: 'jupyter.widget'}});
              return Object.keys(reply.content.comms);
            }}""",
            path,
        )
        assert comms == [], f"{path}: the new kernel holds widget models {comms}"


@pytest.mark.lab
def test_make_lab_wrote_nothing_outside_the_book(lab: Lab) -> None:
    log = lab.log.read_text()
    assert "Kernel started" in log
    assert "without encryption" not in log, "a kernel warned about unencrypted TCP"
    written = [p.relative_to(lab.home) for p in lab.home.rglob("*")]
    assert not [p for p in written if re.search(r"jupyter|ipython", str(p), re.I)], written
    assert (lab.root / ".jupyter" / "data" / "nbsignatures.db").is_file()
