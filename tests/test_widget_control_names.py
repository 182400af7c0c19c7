"""Every widget control the website shows has an accessible name (WCAG 4.1.2).

ipywidgets 8.1.9 renders a Play widget as three buttons holding only an icon, and a slider as a
handle with no name; ``_ext/static/page_assets.js`` names them once the widget manager has drawn
them. This test draws a kernel-free player (the book's ``kernel_free``) with the vendored widget
manager and that script, in a page of its own (no book build), and checks the names that a
screen reader announces, and axe's verdict.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT
from site_helpers import serve_directory

EMBED_JS = ROOT / "_vendor" / "jupyter-widgets" / "embed.js"
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>player</title></head>
<body><main><div class="cell"><div class="cell_output">
<script type="application/vnd.jupyter.widget-view+json">{view}</script>
</div></div></main>
<script type="application/json" id="page-assets-lazy">{assets}</script>
<script src="page_assets.js"></script></body></html>"""
NAMES_JS = """() => ({
  play: Array.from(document.querySelectorAll('.widget-play button'))
    .map((b) => [b.getAttribute('aria-label'), b.title]),
  sliders: Array.from(document.querySelectorAll('.noUi-handle'))
    .map((h) => h.getAttribute('aria-label')),
})"""


def _write_page(folder) -> None:
    import ipywidgets as widgets
    from ipywidgets.embed import embed_data

    from embedlib.widgets.frames import kernel_free

    frames = {"": [f"<p>frame {i}</p>" for i in range(3)]}
    demo = kernel_free(frames, choose="", slide="checkpoint", positions="abc", play=True)
    data = embed_data(views=[demo])
    widgets.Widget.close_all()
    (folder / "state.js").write_text(
        f"window.pageAssetsWidgetState = {json.dumps(data['manager_state'])};\n"
    )
    assets = [{"name": "widgets", "src": "embed.js", "state": "state.js", "replayLoad": True,
               "near": "script[type='application/vnd.jupyter.widget-view+json']"}]  # fmt: skip
    page = PAGE.format(view=json.dumps(data["view_specs"][0]), assets=json.dumps(assets))
    (folder / "index.html").write_text(page)
    shutil.copy(EMBED_JS, folder / "embed.js")
    shutil.copy(ROOT / "_ext" / "static" / "page_assets.js", folder / "page_assets.js")


@pytest.mark.browser
def test_play_buttons_and_slider_handles_are_named(async_browser, tmp_path) -> None:
    if not EMBED_JS.is_file():
        pytest.fail("no vendored widget manager: run `make vendor`")
    from axe_playwright_python.base import AXE_SCRIPT

    _write_page(tmp_path)

    async def visit(base_url: str):
        page = await async_browser.browser.new_page()
        try:
            await page.goto(base_url + "index.html", wait_until="load")
            await page.wait_for_selector(".widget-play button[aria-label]", timeout=20_000)
            names = await page.evaluate(NAMES_JS)
            await page.evaluate(AXE_SCRIPT)
            result = await page.evaluate(
                "() => axe.run(document, {runOnly: ['button-name', 'aria-input-field-name']})"
            )
            await page.get_by_role("button", name="Play").click()  # found by its name
            await page.get_by_role("button", name="Pause").wait_for(timeout=5_000)  # renamed
            return names, [v["id"] for v in result["violations"]]
        finally:
            await page.close()

    with serve_directory(tmp_path) as base_url:
        names, violations = async_browser.run(visit(base_url))
    assert names["play"] == [[n, n] for n in ("Play", "Stop", "Repeat")]
    assert names["sliders"] == ["checkpoint"]
    assert violations == []
