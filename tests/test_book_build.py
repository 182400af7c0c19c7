"""The website builds with zero warnings and only from the table of contents."""

import re

from conftest import BookBuild
from site_helpers import toc_docnames


def test_build_succeeds_with_zero_warnings(built_book: BookBuild) -> None:
    warnings = [line for line in built_book.log.splitlines() if re.search(r"WARNING|ERROR", line)]
    assert built_book.returncode == 0, built_book.log[-3000:]
    assert warnings == []


def test_every_chapter_in_the_toc_has_a_page(built_book: BookBuild) -> None:
    toc = (built_book.html_dir.parent.parent / "_toc.yml").read_text()
    files = re.findall(r"file: (\S+)", toc) + re.findall(r"root: (\S+)", toc)
    missing = [name for name in files if not (built_book.html_dir / f"{name}.html").is_file()]
    assert files and missing == []


def test_no_page_outlives_its_chapter(built_book: BookBuild, built_zh_book: BookBuild) -> None:
    # A renamed chapter's old page (a stale copy with a raw '|' table) stayed in _build/html.
    docnames = set(toc_docnames())
    for book in (built_book, built_zh_book):
        pages = {p.relative_to(book.html_dir).with_suffix("").as_posix() for p in
                 (book.html_dir / "chapters").glob("*.html")}  # fmt: skip
        assert pages == {name for name in docnames if name.startswith("chapters/")}


def test_no_button_points_at_another_repository(built_book: BookBuild) -> None:
    index = (built_book.html_dir / "chapters" / "index.html").read_text()
    assert "executablebooks/jupyter-book" not in index
    assert "mybinder.org" not in index
