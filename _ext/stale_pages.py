"""Delete the pages of documents that no longer exist, so a renamed chapter leaves no old copy.

Sphinx's incremental HTML builder writes the pages of the documents it has and never deletes one
it wrote earlier (sphinx-doc/sphinx#5908; a flag to do so is proposed in sphinx-doc/sphinx#14327).
After chapters were renumbered, `_build/html/chapters/06_sparse_and_optimizers.html` stayed next
to the new pages: an old chapter, reachable by its old address, whose result table was still raw
`|` text. At ``build-finished`` each page in a folder that holds the book's documents, whose
document is gone, is deleted, with its copy under ``_sources/``. Other folders (``_static``, the
Chinese edition's ``zh/`` inside the English output) are never touched. Drop this module when
Sphinx removes outdated outputs itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

__all__ = ["setup", "stale_pages"]


def stale_pages(outdir: Path, docnames: set[str], suffix: str = ".html") -> list[Path]:
    """Pages under ``outdir`` in a folder of ``docnames`` that belong to no docname.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> names = ("chapters/01.html", "chapters/06_old.html", "search.html", "zh/chapters/x.html")
    >>> for name in names:
    ...     (out / name).parent.mkdir(parents=True, exist_ok=True)
    ...     _ = (out / name).write_text("")
    >>> [p.relative_to(out).as_posix() for p in stale_pages(out, {"chapters/01", "chapters/index"})]
    ['chapters/06_old.html']
    """
    folders = {Path(name).parent.as_posix() for name in docnames}
    stale = []
    for folder in sorted(folders - {"."}):
        for page in sorted((outdir / folder).glob(f"*{suffix}")):
            if f"{folder}/{page.name.removesuffix(suffix)}" not in docnames:
                stale.append(page)
    return stale


def _delete_stale_pages(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in stale_pages(outdir, set(app.env.found_docs), app.builder.out_suffix):
        page.unlink()
        docname = page.relative_to(outdir).as_posix().removesuffix(app.builder.out_suffix)
        for source in (outdir / "_sources").glob(f"{docname}.*"):
            source.unlink()


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the clean-up (Sphinx entry point)."""
    app.connect("build-finished", _delete_stale_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
