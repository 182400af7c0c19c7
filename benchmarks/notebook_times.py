"""Print how long each chapter takes to execute in a fresh kernel (<= 15 s each, <= 60 s all).

Run: .venv/bin/python benchmarks/notebook_times.py   (executes copies; the chapters are not changed)
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

CHAPTER_BUDGET_S = 15.0
BOOK_BUDGET_S = 60.0
CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"


def execute_seconds(path: Path) -> float:
    """Execute the notebook at ``path`` in a fresh python3 kernel and return the wall time."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main() -> int:
    total = 0.0
    over = []
    print(f"{'chapter':40s} {'seconds':>8s}")
    for path in sorted(CHAPTERS.glob("*.ipynb")):
        seconds = execute_seconds(path)
        total += seconds
        flag = "  OVER BUDGET" if seconds > CHAPTER_BUDGET_S else ""
        print(f"{path.name:40s} {seconds:8.1f}{flag}")
        if flag:
            over.append(path.name)
    print(f"{'whole book, one chapter at a time':40s} {total:8.1f}")
    # `make execute` runs two chapters at once, one per core: that is the book's execution time.
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(execute_seconds, sorted(CHAPTERS.glob("*.ipynb"))))
    parallel = time.perf_counter() - start
    flag = "  OVER BUDGET" if parallel > BOOK_BUDGET_S else ""
    print(f"{'whole book, two at a time (make execute)':40s} {parallel:8.1f}{flag}")
    return 1 if over or parallel > BOOK_BUDGET_S else 0


if __name__ == "__main__":
    sys.exit(main())
