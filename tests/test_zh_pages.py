"""What a Chinese reader reads on the Chinese pages is Chinese, beyond the translated paragraphs.

Text that Sphinx's gettext never sees: the part captions of the table of contents (inserted
after translation), the site title and the toggle labels (settings), and the glossary's order
(Sphinx re-sorted it by the translated terms' code points). The built HTML is read, no browser.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from site_helpers import ROOT, toc_docnames

DOCNAMES = toc_docnames()
HAN = re.compile(r"[\u4e00-\u9fff]")
# Five or more English words in a row: a sentence or a phrase left in English.
ENGLISH_RUN = re.compile(r"(?:[A-Za-z][A-Za-z'-]*[ ,]+){4,}[A-Za-z]+")
# Where English is expected on a Chinese page: code, outputs, math, citations, marked English.
NOT_PROSE = (
    "script, style, pre, code, .cell_input, .cell_output, .math, mjx-container, [lang=en], "
    ".citation, #bibliography, .bibtex"
)
# English in quotation marks is quoted on purpose: an error message, a figure's label.
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
ENGLISH_UI = ("Show code cell", "Hide code cell", "Click to show", "Click to hide")


def _soup(book, docname: str) -> BeautifulSoup:
    html = (Path(book.html_dir) / f"{docname}.html").read_text("utf-8")
    return BeautifulSoup(html, "html.parser")


def english_runs(soup: BeautifulSoup) -> list[str]:
    """Runs of English words in the article's prose (code, outputs, math and quotes left out).

    >>> html = "<article><p>权重矩阵 is the table of rows</p><pre>a b c d e f</pre></article>"
    >>> english_runs(BeautifulSoup(html, "html.parser"))
    ['is the table of rows']
    >>> english_runs(BeautifulSoup("<article><p>报错 <code>a b c d e</code>：“not in the vocabulary"
    ...                            " at all”</p></article>", "html.parser"))
    []
    """
    article = soup.select_one("article")
    for element in article.select(NOT_PROSE):
        element.decompose()
    return ENGLISH_RUN.findall(QUOTED.sub(" ", article.get_text(" ")))


@pytest.mark.parametrize("docname", DOCNAMES)
def test_chinese_page_has_no_english_prose(built_zh_book, docname: str) -> None:
    assert english_runs(_soup(built_zh_book, docname)) == []


@pytest.mark.parametrize("docname", DOCNAMES)
def test_chinese_page_labels_its_toggles_and_itself_in_chinese(built_zh_book, docname) -> None:
    html = (Path(built_zh_book.html_dir) / f"{docname}.html").read_text("utf-8")
    assert [label for label in ENGLISH_UI if label in html] == []
    title = _soup(built_zh_book, docname).title.get_text()
    assert title.endswith("torch.nn.Embedding 实测详解"), title


def test_chinese_sidebar_captions_are_translated(built_zh_book) -> None:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    english = [part["caption"] for part in toc["parts"]]
    soup = _soup(built_zh_book, DOCNAMES[1])
    shown = [c.get_text(strip=True) for c in soup.select(".bd-sidebar-primary .caption-text")]
    assert len(shown) == len(english)
    assert all(HAN.search(caption) for caption in shown), shown


def test_chinese_glossary_keeps_the_english_order(built_book, built_zh_book) -> None:
    def order(book) -> list[str]:
        return [dt["id"] for dt in _soup(book, "chapters/glossary").select("dl.glossary > dt")]

    english = order(built_book)
    assert len(english) > 20
    assert order(built_zh_book) == english
