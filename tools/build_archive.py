"""Build the book's download: one zip a reader unpacks and runs with `make lab`, no repository.

It holds what running the chapters takes and nothing else: the chapters (notebooks with their
outputs), `embedlib`, the pinned requirements with their constraints, the Makefile,
pyproject.toml and a short README (tools/archive_readme.md). No tests, no git history, no build
output, no virtualenv, no vendored JavaScript. The zip is reproducible: entries are sorted and
carry a fixed date, so the same tree gives the same bytes.

`make book` builds it before the website; the "Run it yourself" page links it with Sphinx's
{download} role, which copies it into the site (_build/html/_downloads/<hash>/).

usage: python tools/build_archive.py [OUTPUT]    (default: _build/archive/embedding-book.zip)
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "_build" / "archive" / "embedding-book.zip"
TOP_FOLDER = "embedding-book"
README = ROOT / "tools" / "archive_readme.md"
# (pattern, relative to the repository root) for everything but the README
PATTERNS = (
    "Makefile",
    "pyproject.toml",
    "requirements.txt",
    "constraints.txt",
    "chapters/*.ipynb",
    "chapters/*.md",
    "chapters/*.bib",
    "embedlib/**/*.py",
    "lab/**/*",  # make lab's configuration and the Lab settings the book ships
    "tools/clean_notebooks.py",  # make execute and make format: skip notebooks with your edits
    "tools/sync_notebook_metadata.py",  # make execute: solutions collapsed in Lab too
)
FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold


def archive_members(root: Path = ROOT) -> dict[str, Path]:
    """Map each path inside the zip (under ``embedding-book/``) to the file it is copied from."""
    members = {f"{TOP_FOLDER}/README.md": README}
    for pattern in PATTERNS:
        matches = sorted(path for path in root.glob(pattern) if path.is_file())
        if not matches:
            raise FileNotFoundError(f"build_archive: nothing in {root} matches {pattern!r}")
        for path in matches:
            relative = path.relative_to(root)
            if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
                continue
            members[f"{TOP_FOLDER}/{relative.as_posix()}"] = path
    return dict(sorted(members.items()))


def build_archive(output: Path = DEFAULT_OUTPUT, root: Path = ROOT) -> Path:
    """Write the zip to ``output`` (its folder is created) and return ``output``."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, path in archive_members(root).items():
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.external_attr = 0o644 << 16  # rw-r--r--, whoever built it
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes(), compresslevel=9)
    partial.replace(output)
    return output


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        print(f"usage: python {Path(__file__).name} [OUTPUT]", file=sys.stderr)
        return 2
    output = build_archive(Path(argv[0]).resolve() if argv else DEFAULT_OUTPUT)
    with zipfile.ZipFile(output) as zf:
        count = len(zf.infolist())
    print(f"archive: {output} ({count} files, {output.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
