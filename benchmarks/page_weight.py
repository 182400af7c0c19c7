"""Print what each page of the built book weighs, and flag pages over the 2 MB budget.

A page's weight is its HTML (with its inline data: data: URIs), its saved widget state (with the
widgets' PNG frames; ``_static/widget-state/<page>.js``, loaded with the widget manager) plus the
images it references from the book (``_images/``). The shared files
under ``_static/`` (theme, MathJax, the widget manager), loaded once and cached, are not counted;
their total is printed once.

    .venv/bin/python benchmarks/page_weight.py [_build/html]
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

__all__ = ["BUDGET_BYTES", "PageWeight", "main", "measure"]

ROOT = Path(__file__).resolve().parent.parent
BUDGET_BYTES = 2 * 1024 * 1024
IMG_SRC = re.compile(r"<img\b[^>]*\bsrc=[\"']([^\"']+)[\"']", flags=re.IGNORECASE)
DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\\\n]+")
WIDGET_STATE = re.compile(
    r'<script type="application/vnd\.jupyter\.widget-state\+json">.*?</script>', flags=re.DOTALL
)


@dataclass(frozen=True)
class PageWeight:
    """Bytes of one built page: its HTML, its inline data and widget state, and its own images."""

    docname: str
    html: int
    inline_data: int
    images: int
    widget_state: int = 0

    @property
    def total(self) -> int:
        """HTML, widget state and referenced images, in bytes."""
        return self.html + self.widget_state + self.images


def toc_docnames(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """Every document of the table of contents, root first."""
    toc = yaml.safe_load(toc_path.read_text())
    names = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                names.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return names


def measure(html_dir: Path, docnames: list[str]) -> list[PageWeight]:
    """Weigh the built page of each docname (a missing page raises FileNotFoundError)."""
    weights = []
    for docname in docnames:
        page = html_dir / f"{docname}.html"
        html = page.read_text(errors="replace")
        inline = sum(len(m.group(0)) for m in WIDGET_STATE.finditer(html))
        inline += sum(len(m.group(0)) for m in DATA_URI.finditer(WIDGET_STATE.sub("", html)))
        images = set()
        for src in IMG_SRC.findall(html):
            if src.startswith("data:") or urlparse(src).scheme:
                continue
            target = (page.parent / unquote(urlparse(src).path)).resolve()
            if target.is_file() and (html_dir / "_static") not in target.parents:
                images.add(target)
        state = html_dir / "_static" / "widget-state" / f"{docname.replace('/', '__')}.js"
        state_bytes = state.stat().st_size if state.is_file() else 0
        image_bytes = sum(p.stat().st_size for p in images)
        weights.append(PageWeight(docname, page.stat().st_size, inline, image_bytes, state_bytes))
    return weights


def main(argv: list[str]) -> int:
    """Print the table; return 1 if a page is over budget."""
    html_dir = Path(argv[1]) if len(argv) > 1 else ROOT / "_build" / "html"
    docnames = toc_docnames()
    missing = [name for name in docnames if not (html_dir / f"{name}.html").is_file()]
    weights = measure(html_dir, [name for name in docnames if name not in missing])
    print(
        f"{'page':40} {'html KB':>9} {'inline KB':>10} {'widgets KB':>11} {'images KB':>10}"
        f" {'total KB':>9}"
    )
    for name in missing:
        print(f"{name:40} {'not built':>9}")
    for w in weights:
        flag = "  OVER 2 MB" if w.total > BUDGET_BYTES else ""
        print(
            f"{w.docname:40} {w.html / 1024:9.1f} {w.inline_data / 1024:10.1f}"
            f" {w.widget_state / 1024:11.1f} {w.images / 1024:10.1f} {w.total / 1024:9.1f}{flag}"
        )
    static = html_dir / "_static"
    shared = sum(
        p.stat().st_size
        for p in static.rglob("*")
        if p.is_file() and (static / "widget-state") not in p.parents
    )
    print(f"shared _static/ (not counted above, cached across pages): {shared / 1024:.0f} KB")
    return int(bool(missing) or any(w.total > BUDGET_BYTES for w in weights))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
