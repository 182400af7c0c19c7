"""Helpers for the browser tests: the pages in the toc, a local web server, headless Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Headless, and quiet: no background requests of Chromium's own (this machine has no internet).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# Requests to any other host go to a dead proxy on 127.0.0.1 and fail (loopback bypasses proxies),
# so nothing leaves the machine, IP literals included; the tests record every such request. This
# is used instead of Playwright's page.route, which turns off the HTTP cache (every page would
# fetch and parse MathJax and the widget manager again: 2x slower).
BLOCK_OTHER_HOSTS = ["--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1"]
LOCAL_HOSTS = {"127.0.0.1"}


def load_page_weight() -> ModuleType:
    """The page-weight benchmark as a module (it also owns the table-of-contents reader)."""
    spec = importlib.util.spec_from_file_location("page_weight", ROOT / "benchmarks/page_weight.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


toc_docnames = load_page_weight().toc_docnames


def source_suffix(docname: str, root: Path = ROOT) -> str:
    """The suffix of the source file of ``docname`` (``.ipynb`` or ``.md``)."""
    for suffix in (".ipynb", ".md"):
        if (root / f"{docname}{suffix}").is_file():
            return suffix
    return ""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port in a thread; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def chromium_available() -> bool:
    """Whether Debian's Chromium is installed (``make system-deps`` installs it)."""
    return Path(CHROMIUM).is_file() or shutil.which(CHROMIUM) is not None


def screenshot_path(docname: str, suffix: str = "") -> Path:
    """Where the screenshot of ``docname`` goes: ``_build/screenshots/<docname>[suffix].png``."""
    path = ROOT / "_build" / "screenshots" / f"{docname.replace('/', '__')}{suffix}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
