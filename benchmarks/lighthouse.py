"""Score every page of the built book with Lighthouse (mobile), served gzip-compressed on localhost.

A static host compresses text; so does this script's server (gzip for HTML, CSS, JS, JSON, SVG,
fonts other than woff2). Lighthouse comes from the npm registry, pinned (12.8.2 runs on Node 20;
13.x wants Node 22), through `npm exec` and npm's cache: nothing is added to the repository. It
drives Debian's Chromium (``CHROME_PATH``, default /usr/bin/chromium) with its default mobile
settings (Moto G Power, simulated slow 4G, 4x CPU slowdown) and prints the four category scores
per page. The target (GUIDE.md): performance >= 90 and accessibility 100 on every chapter page.

    .venv/bin/python benchmarks/lighthouse.py [_build/html] [--runs N] [--pages DOCNAME ...]
    .venv/bin/python benchmarks/lighthouse.py --edition zh --pages chapters/01_syntax  # 中文版

``--edition zh`` scores the Chinese edition's pages (``zh/<docname>.html``); the whole site is
served either way, as it is published, so each page's language switch resolves.

Scores vary from run to run, more so on a loaded machine: with ``--runs N`` each page is scored N
times and the median of each category is printed. A benchmark, not a test: it prints numbers and
exits 1 only if Lighthouse could not run or a page misses the target.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page_weight import toc_docnames

__all__ = ["CATEGORIES", "LIGHTHOUSE", "main", "score_page", "serve_compressed"]

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = "lighthouse@12.8.2"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 90, "accessibility": 100}
EDITIONS = {"en": "", "zh": "zh/"}  # each edition's folder in the built site (tools/build_zh.py)
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".txt", ".map", ".ttf", ".eot", ".woff"}
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --no-first-run --disable-sync"
)


class _CompressingHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files as a static host does: gzip when the client accepts it, cacheable for a day."""

    cache: ClassVar[dict[Path, bytes]] = {}

    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "public, max-age=86400")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts_gzip and path.suffix in COMPRESSIBLE and path.is_file()):
            return super().send_head()
        body = self.cache.get(path)
        if body is None:
            body = self.cache[path] = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return _BytesFile(body)


class _BytesFile:
    """The minimal file object ``SimpleHTTPRequestHandler.do_GET`` copies from and closes."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return data

    def close(self) -> None:
        self.data = b""


@contextlib.contextmanager
def serve_compressed(directory: Path) -> Iterator[str]:
    """Serve ``directory`` gzip-compressed on 127.0.0.1 at a free port; yield the base URL."""
    handler = functools.partial(_CompressingHandler, directory=str(directory))
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


def score_page(url: str, workdir: Path) -> dict[str, int]:
    """Run Lighthouse (mobile) on ``url``; return each category's score out of 100."""
    report = workdir / "report.json"
    command = [
        "npm", "exec", "--yes", f"--package={LIGHTHOUSE}", "--", "lighthouse", url,
        f"--only-categories={','.join(CATEGORIES)}", "--output=json", f"--output-path={report}",
        f"--chrome-flags={CHROME_FLAGS}", "--quiet",
    ]  # fmt: skip
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    if result.returncode != 0 or not report.is_file():
        raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    categories = json.loads(report.read_text())["categories"]
    report.unlink()
    return {name: round(100 * (categories[name]["score"] or 0)) for name in CATEGORIES}


def main(argv: list[str]) -> int:
    """Print the four scores of every page; return 1 if a chapter page misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html_dir", nargs="?", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--runs", type=int, default=1, help="runs per page (median printed)")
    parser.add_argument("--pages", nargs="*", help="docnames (default: every page of the toc)")
    parser.add_argument("--edition", choices=EDITIONS, default="en", help="which edition's pages")
    args = parser.parse_args(argv[1:])
    pages = [EDITIONS[args.edition] + page for page in args.pages or toc_docnames()]
    print(f"{LIGHTHOUSE}, mobile preset, gzip-compressed, median of {args.runs} run(s)")
    print(f"{'page':40}" + "".join(f"{name:>16}" for name in CATEGORIES))
    missed = []
    with serve_compressed(args.html_dir) as base, tempfile.TemporaryDirectory() as tmp:
        for page in pages:
            runs = [score_page(f"{base}{page}.html", Path(tmp)) for _ in range(args.runs)]
            scores = {name: statistics.median(run[name] for run in runs) for name in CATEGORIES}
            print(f"{page:40}" + "".join(f"{scores[name]:>16g}" for name in CATEGORIES))
            if any(scores[name] < target for name, target in TARGETS.items()):
                missed.append(page)
    if missed:
        print(f"below target (performance >= 90, accessibility 100): {', '.join(missed)}")
    return int(bool(missed))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
