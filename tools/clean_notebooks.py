"""List the notebooks that `make execute` / `make format` may rewrite: those git has no changes for.

A notebook with uncommitted changes (modified, staged, or never committed) may hold a learner's
work: an output they kept, a half-written cell. It is skipped, and the reason goes to stderr,
unless --force is given (make ... FORCE=1).

Usage: python tools/clean_notebooks.py [--force] (--all | NOTEBOOK...)
--all: every notebook of the project (tracked, or untracked and not ignored by git).
Prints the notebooks safe to rewrite to stdout, each followed by a NUL byte (for xargs -0).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FIX = "commit or stash your changes first, or rerun with FORCE=1 to overwrite them"


def _git_status(paths: list[str]) -> dict[str, str] | None:
    """Path -> git's two-letter status for every path with uncommitted changes (None: no git)."""
    try:
        result = subprocess.run(
            ["git", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *paths],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    top = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True
    ).stdout.strip()
    status, entries = {}, iter(result.stdout.split("\0"))
    for entry in entries:
        if entry:
            code, path = entry[:2], entry[3:]
            status[str((Path(top) / path).resolve())] = code
            if "R" in code or "C" in code:
                next(entries, None)  # a rename or copy is followed by its source path
    return status


def _reason(code: str) -> str:
    if code == "??":
        return "it is not committed (a notebook of your own?)"
    return f"it has uncommitted changes (git status {code.strip()})"


def _all_notebooks() -> list[str]:
    """Tracked notebooks and untracked ones git does not ignore; without git, a glob."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "-co", "--exclude-standard", "--", "*.ipynb"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        skip = {".venv", "_build", "_vendor", "node_modules", ".ipynb_checkpoints"}
        found = Path().rglob("*.ipynb")
        return sorted(str(p) for p in found if not skip.intersection(p.parts))
    return sorted(filter(None, listed.split("\0")))


def main(argv: list[str]) -> int:
    force = "--force" in argv
    paths = [arg for arg in argv if arg not in ("--force", "--all")]
    if "--all" in argv:
        paths += _all_notebooks()
    status = {} if force else _git_status(paths)
    if status is None:
        print(
            "skipped every notebook: this is not a git checkout, so edited notebooks cannot be "
            "told apart; rerun with FORCE=1 to rewrite them anyway",
            file=sys.stderr,
        )
        return 0
    for path in paths:
        code = status.get(str(Path(path).resolve()))
        if code is None:
            sys.stdout.write(path + "\0")
        else:
            print(f"skipped {path}: {_reason(code)}; {FIX}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
