"""Print, per chapter, what a reader meets: prose words, visible code cells (plain torch vs cells
that call embedlib) and uses of private torch internals in code.

A visible code cell is a code cell that is neither the setup cell (the first code cell) nor
tagged to hide or remove its input (hide-cell, hide-input, remove-cell, remove-input). A cell
"calls embedlib" when its source names anything the chapter imports from embedlib.

    .venv/bin/python tools/chapter_stats.py [chapters/*.ipynb]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HIDDEN = {"hide-cell", "hide-input", "remove-cell", "remove-input"}
PRIVATE = re.compile(
    r"\._version\b|\._nnz\(|\._values\(|\._indices\(|\.data\b(?!_)|_calculate_fan_in_and_fan_out"
)
IMPORT = re.compile(r"from embedlib[\w.]* import \(?([^)]*?)\)?\s*(?=\n\S|\Z)", re.S)


def embedlib_names(source: str) -> set[str]:
    names = set()
    for block in IMPORT.findall(source + "\n"):
        names |= {n.split(" as ")[-1].strip() for n in re.split(r"[,\n]", block) if n.strip()}
    return names - {""}


def stats(path: Path) -> dict[str, int]:
    cells = json.loads(path.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    names = set()
    for cell in code:
        names |= embedlib_names("".join(cell["source"]))
    word = re.compile(r"\b(" + "|".join(map(re.escape, sorted(names))) + r")\b|embedlib")
    visible = [c for c in code[1:] if not HIDDEN & set(c.get("metadata", {}).get("tags", []))]
    calls = sum(1 for c in visible if names and word.search("".join(c["source"])))
    prose = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    prose = re.sub(r"```.*?```", " ", prose, flags=re.S)  # code blocks are not prose
    private = sum(len(PRIVATE.findall("".join(c["source"]))) for c in code)
    return {
        "words": len(re.findall(r"[A-Za-z0-9_'’-]+|[\u4e00-\u9fff]", prose)),
        "visible": len(visible),
        "torch": len(visible) - calls,
        "embedlib": calls,
        "private": private,
    }


def main(paths: list[str]) -> None:
    paths = paths or sorted(str(p) for p in Path("chapters").glob("*.ipynb"))
    header = ("words", 6), ("visible", 8), ("torch", 6), ("embedlib", 9), ("share", 6)
    print(f"{'chapter':40}", *(f"{name:>{width}}" for name, width in header), f"{'private':>8}")
    for p in paths:
        s = stats(Path(p))
        share = s["torch"] / s["visible"] if s["visible"] else 1.0
        print(
            f"{Path(p).name:40} {s['words']:6d} {s['visible']:8d} {s['torch']:6d} "
            f"{s['embedlib']:9d} {share:6.0%} {s['private']:8d}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
