"""Fixtures shared by the test suite: the book built once per session, one browser per session."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

ROOT = Path(__file__).resolve().parent.parent
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
T = TypeVar("T")


@dataclass(frozen=True)
class BookBuild:
    """The result of one strict `jupyter-book build`."""

    returncode: int
    log: str
    html_dir: Path


def _build_archive() -> BookBuild:
    """The zip that the "Run it yourself" page links (both editions), built first as `make book`
    does."""
    command = [sys.executable, "tools/build_archive.py"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    return BookBuild(result.returncode, result.stdout + result.stderr, ROOT / "_build" / "archive")


def _build_book() -> BookBuild:
    """Build the whole book from scratch, strictly (-W -n --keep-going)."""
    command = [str(JUPYTER_BOOK), "build", ".", "--all", "-W", "-n", "--keep-going"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    return BookBuild(result.returncode, result.stdout + result.stderr, ROOT / "_build" / "html")


def _build_zh_book() -> BookBuild:
    """Build the Chinese edition from scratch, as strictly, into _build/html/zh.

    It writes only under _build/html/zh, _build/html/jupyter_execute and _build/.doctrees-zh, so it
    may run while another worker builds the English edition."""
    command = [sys.executable, "tools/build_zh.py", "html", "--all"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    return BookBuild(result.returncode, result.stdout + result.stderr, ROOT / "_build/html/zh")


_BUILT: dict[str, BookBuild] = {}  # this process's builds


def _build_once(
    name: str, build: Callable[[], BookBuild], tmp_path_factory: pytest.TempPathFactory, worker: str
) -> BookBuild:
    """``build()``, run once per test run.

    Under pytest-xdist (`make test` runs two workers) the first worker that needs it builds it
    while holding a lock; the others wait for it and reuse its result, so no build runs twice
    at once. A build that fails raises in every worker that needs it.
    """
    if name in _BUILT:
        return _BUILT[name]
    if worker == "master":  # a plain pytest run: one process
        _BUILT[name] = build()
        return _BUILT[name]
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp().parent  # one folder for all workers of this run
    result_file = shared / f"{name}.json"
    with FileLock(str(shared / f"{name}.lock")):
        if not result_file.exists():
            done = build()
            result_file.write_text(json.dumps([done.returncode, done.log, str(done.html_dir)]))
        returncode, log, html_dir = json.loads(result_file.read_text())
    _BUILT[name] = BookBuild(returncode, log, Path(html_dir))
    return _BUILT[name]


def _edition(name: str, tmp_path_factory: pytest.TempPathFactory, worker: str) -> BookBuild:
    """One edition ("built_book": English, "built_zh_book": Chinese), after the archive."""
    archive = _build_once("archive", _build_archive, tmp_path_factory, worker)
    if archive.returncode:
        pytest.fail(f"tools/build_archive.py failed:\n{archive.log[-3000:]}")
    build = {"built_book": _build_book, "built_zh_book": _build_zh_book}[name]
    return _build_once(name, build, tmp_path_factory, worker)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> BookBuild:
    """The book, built once per test run (see ``_build_once``)."""
    return _edition("built_book", tmp_path_factory, worker_id)


@pytest.fixture(scope="session")
def built_zh_book(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> BookBuild:
    """The Chinese edition, built once per test run (in a second worker, beside the English)."""
    return _edition("built_zh_book", tmp_path_factory, worker_id)


@pytest.fixture(scope="session")
def built_editions(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> tuple[BookBuild, BookBuild]:
    """Both editions (English, Chinese): the language switch leads from each to the other."""
    return tuple(
        _edition(name, tmp_path_factory, worker_id) for name in ("built_book", "built_zh_book")
    )


class AsyncBrowser:
    """One headless Chromium for the whole session, driven through Playwright's async API.

    Tests run coroutines on its event loop with ``run``; ``gather`` visits pages concurrently.
    Requests to other hosts go to a dead proxy (see ``site_helpers.BLOCK_OTHER_HOSTS``).
    """

    def __init__(self) -> None:
        from playwright.async_api import async_playwright
        from site_helpers import BLOCK_OTHER_HOSTS, CHROMIUM, CHROMIUM_ARGS

        self.loop = asyncio.new_event_loop()
        self._playwright = self.run(async_playwright().start())
        self.browser = self.run(
            self._playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS + BLOCK_OTHER_HOSTS
            )
        )

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` to completion on the browser's event loop."""
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        """Close the browser, Playwright and the loop."""
        self.run(self.browser.close())
        self.run(self._playwright.stop())
        self.loop.close()


@pytest.fixture(scope="session")
def async_browser() -> Iterator[AsyncBrowser]:
    """The session's one browser (fails with the fix if Chromium is missing)."""
    from site_helpers import CHROMIUM, chromium_available

    if not chromium_available():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make system-deps`")
    browser = AsyncBrowser()
    yield browser
    browser.close()
