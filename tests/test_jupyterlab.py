"""A real JupyterLab: a live widget's control, moved in the browser, makes the kernel redraw.

JupyterLab runs from the venv on 127.0.0.1 with a token, in a temporary root directory holding
one small notebook (a ``LiveView`` from embedlib with a slider), with temporary config, data,
runtime and IPython directories (the kernel spec and the widgets labextension live in the venv
and are still found: checked below). Headless Chromium runs all cells, moves the slider, and the
image must change. The server is always shut down.
"""

from __future__ import annotations

import json
import os
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
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from site_helpers import (
    BLOCK_OTHER_HOSTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    chromium_available,
    screenshot_path,
)

JUPYTER = Path(sys.executable).parent / "jupyter"
NOTEBOOK = "live_widget.ipynb"
LIVE_CELL = """\
import ipywidgets as widgets
import matplotlib.pyplot as plt
from embedlib.widgets.frames import LiveView

with plt.ioff():
    fig, ax = plt.subplots(figsize=(3, 2))
(line,) = ax.plot([0, 1], [0, 0])
ax.set_ylim(-1, 1)
height = widgets.IntSlider(value=0, min=-5, max=5, description="height")
view = LiveView(fig, [height], lambda: line.set_ydata([0, height.value / 5]))
view.widget"""
IMAGE_BYTES_JS = """async (img) => {
  const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
  let hash = 0;
  for (const b of bytes) hash = (hash * 31 + b) >>> 0;
  return img.src + ' ' + bytes.length + ' ' + hash;
}"""


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab server."""

    url: str
    token: str
    root: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "root"
    root.mkdir()
    notebook = new_notebook(
        cells=[new_markdown_cell("# A live widget"), new_code_cell(LIVE_CELL)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)"}},
    )
    nbformat.write(notebook, root / NOTEBOOK)
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
        yield Lab(url, token, root)
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
def test_moving_a_live_slider_makes_the_kernel_redraw_the_image(lab: Lab) -> None:
    if not chromium_available():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make system-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS + BLOCK_OTHER_HOSTS
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{lab.url}lab/tree/{NOTEBOOK}?reset&token={lab.token}")
            page.wait_for_function(
                "() => window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status"
                " === 'idle'",
                timeout=60_000,
            )
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            image = page.locator(".jp-OutputArea-output .widget-image").first
            image.wait_for(timeout=60_000)
            page.wait_for_function(
                "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
            )
            before = image.evaluate(IMAGE_BYTES_JS)
            handle = page.locator(".jp-OutputArea-output .widget-slider .noUi-handle").first
            handle.focus()
            handle.press("ArrowRight")
            handle.press("ArrowRight")
            deadline = time.monotonic() + 20
            after = before
            while after == before and time.monotonic() < deadline:
                time.sleep(0.2)
                after = image.evaluate(IMAGE_BYTES_JS)
            page.screenshot(path=screenshot_path("jupyterlab_live_widget"))
            readout = page.locator(".jp-OutputArea-output .widget-slider .widget-readout").first
            assert readout.inner_text() == "2"
            assert after != before, "the kernel did not redraw the image"
            assert before.split(" ")[-1] != after.split(" ")[-1], (
                "new image URL but the same PNG bytes"
            )
            errors = page.locator(".jp-OutputArea-output .widget-output").all_inner_texts()
            assert all(text.strip() == "" for text in errors), errors
        finally:
            browser.close()
