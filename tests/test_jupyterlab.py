"""A real JupyterLab: a chapter's live widget, moved in the browser, makes the kernel redraw.

JupyterLab runs from the venv on 127.0.0.1 with a token, in a temporary root directory holding a
copy of a real chapter (``chapters/02_parameters.ipynb``, outputs and saved widget state
stripped), with temporary config, data, runtime and IPython directories (the kernel spec and the
widgets labextension live in the venv and are still found: checked below; embedlib is installed
editable, so the kernel imports it from the temporary root too). Headless Chromium runs all
cells, moves the ``max_norm`` slider of the chapter's live explorer (``max_norm_explorer``: a
kernel-backed ``Image``, not the kernel-free frames of ``max_norm_frames``) and the image must
change. The server is always shut down.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from site_helpers import (
    BLOCK_OTHER_HOSTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    chromium_available,
    screenshot_path,
)

JUPYTER = Path(sys.executable).parent / "jupyter"
CHAPTER = ROOT / "chapters" / "02_parameters.ipynb"
LIVE_CALL = "max_norm_explorer("
IMAGE_BYTES_JS = """async (img) => {
  const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
  let hash = 0;
  for (const b of bytes) hash = (hash * 31 + b) >>> 0;
  return img.src + ' ' + bytes.length + ' ' + hash;
}"""
# The open notebook, from the lab's own models: the kernel's status, each code cell's execution
# count, and the error outputs of cells not tagged ``raises-exception`` (Run All stops at those).
NOTEBOOK_STATE_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.model.cells;
  const code = Array.from({length: cells.length}, (_, i) => cells.get(i))
    .filter((cell) => cell.type === 'code');
  const unexpected = [];
  for (const cell of code) {
    if ((cell.getMetadata('tags') || []).includes('raises-exception')) continue;
    for (const out of cell.outputs.toJSON()) {
      if (out.output_type === 'error') unexpected.push(out.ename + ': ' + out.evalue);
    }
  }
  return {
    status: panel.sessionContext.session?.kernel?.status ?? 'none',
    counts: code.map((cell) => cell.executionCount),
    unexpected,
  };
}"""


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab server with one chapter in its root."""

    url: str
    token: str
    root: Path
    notebook: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def _read_chapter(path: Path) -> nbformat.NotebookNode:
    """The chapter as it is now; retried, since it may be being re-executed and rewritten."""
    for attempt in range(20):
        try:
            return nbformat.read(path, as_version=4)
        except (OSError, ValueError):  # half-written JSON, or replaced mid-read
            if attempt == 19:
                raise
            time.sleep(0.25)
    raise AssertionError("unreachable")


def _fresh_copy(chapter: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The chapter without outputs, execution counts or saved widget state: all must come live."""
    chapter.metadata.pop("widgets", None)
    chapter.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)"}
    for cell in chapter.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    return chapter


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    chapter = _read_chapter(CHAPTER)
    assert any(cell.cell_type == "code" and LIVE_CALL in cell.source for cell in chapter.cells), (
        f"{CHAPTER.name} has no cell calling {LIVE_CALL}...): nothing live to move"
    )
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "root"
    root.mkdir()
    nbformat.write(_fresh_copy(chapter), root / CHAPTER.name)
    env = os.environ | {
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_DATA_DIR": str(base / "data"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "IPYTHONDIR": str(base / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        str(JUPYTER), "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
    ]  # fmt: skip
    log = (base / "server.log").open("w")
    server = subprocess.Popen(
        command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(f"{url}api/status?token={token}")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"JupyterLab did not start:\n{(base / 'server.log').read_text()[-3000:]}"
                )
            time.sleep(0.25)
        yield Lab(url, token, root, CHAPTER.name)
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)  # Jupyter asks for a second ^C to confirm...
            time.sleep(0.2)
            server.send_signal(signal.SIGINT)  # ...and then shuts its kernels down
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=5)
        log.close()


@pytest.mark.lab
def test_the_lab_finds_the_kernel_and_the_widgets_extension(lab: Lab) -> None:
    status, body = _get(f"{lab.url}api/kernelspecs?token={lab.token}")
    assert status == 200 and "python3" in json.loads(body)["kernelspecs"]
    status, page = _get(f"{lab.url}lab?token={lab.token}")
    assert status == 200 and "@jupyter-widgets/jupyterlab-manager" in page


@pytest.mark.lab
def test_moving_the_chapters_live_slider_makes_the_kernel_redraw(lab: Lab) -> None:
    if not chromium_available():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make system-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS + BLOCK_OTHER_HOSTS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            page.goto(f"{lab.url}lab/tree/{lab.notebook}?reset&token={lab.token}")
            page.wait_for_function(
                "() => window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status"
                " === 'idle'",
                timeout=60_000,
            )
            # Run > Run All Cells, as a reader would.
            page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
            label = page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$"))
            page.locator(".lm-Menu-item", has=label).click()
            deadline = time.monotonic() + 90  # the whole chapter, on a possibly busy machine
            state = page.evaluate(NOTEBOOK_STATE_JS)
            while not (state["status"] == "idle" and state["counts"][-1] is not None):
                if state["unexpected"] or time.monotonic() > deadline:
                    break
                time.sleep(0.25)
                state = page.evaluate(NOTEBOOK_STATE_JS)
            assert state["unexpected"] == [], f"cells failed: {state['unexpected']}"
            assert None not in state["counts"], f"not every cell ran: {state}"

            # The live explorer: a VBox whose own child is a kernel-rendered widget Image and
            # whose slider is labelled max_norm, in the output of the cell calling the explorer.
            cell = page.locator(".jp-CodeCell").filter(
                has=page.locator(".jp-InputArea-editor", has_text=LIVE_CALL)
            )
            live = cell.locator(".jp-OutputArea-output .widget-vbox:has(> img.widget-image)")
            live = live.filter(
                has=page.locator(
                    ".widget-slider",
                    has=page.locator(".widget-label", has_text=re.compile(r"^max_norm$")),
                )
            )
            assert live.count() == 1, f"{live.count()} live max_norm explorers"
            slider = live.locator(".widget-slider").first
            image = live.locator(":scope > img.widget-image")
            readout = slider.locator(".widget-readout")
            slider.scroll_into_view_if_needed()
            page.wait_for_function(
                "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
            )
            before, value_before = image.evaluate(IMAGE_BYTES_JS), readout.inner_text()
            handle = slider.locator(".noUi-handle")
            handle.focus()
            for _ in range(3):
                handle.press("ArrowRight")
            deadline = time.monotonic() + 20
            after = before
            while after == before and time.monotonic() < deadline:
                time.sleep(0.2)
                after = image.evaluate(IMAGE_BYTES_JS)
            value_after = readout.inner_text()
            assert float(value_after) > float(value_before), (value_before, value_after)
            assert after != before, "the kernel did not redraw the image"
            assert before.split(" ")[-1] != after.split(" ")[-1], (
                "new image URL but the same PNG bytes"
            )
            errors = live.locator(":scope > .widget-output").all_inner_texts()
            assert all(text.strip() == "" for text in errors), errors
            assert page.evaluate(NOTEBOOK_STATE_JS)["unexpected"] == []
        finally:
            page.screenshot(path=screenshot_path("jupyterlab_live_widget"))
            browser.close()
