"""Fixtures shared by the test suite: the book built once per session."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"


@dataclass(frozen=True)
class BookBuild:
    """The result of one strict `jupyter-book build`."""

    returncode: int
    log: str
    html_dir: Path


@pytest.fixture(scope="session")
def built_book() -> BookBuild:
    """Build the whole book from scratch, strictly (-W -n --keep-going), once per test session."""
    # As `make book` does: first the archive that the "Run it yourself" page links.
    subprocess.run([sys.executable, "tools/build_archive.py"], cwd=ROOT, check=True, timeout=120)
    command = [str(JUPYTER_BOOK), "build", ".", "--all", "-W", "-n", "--keep-going"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    return BookBuild(result.returncode, result.stdout + result.stderr, ROOT / "_build" / "html")
