"""Chinese search: Sphinx's Chinese indexer, with the book's own terms as words.

In the Chinese edition (``language`` zh_*) Sphinx indexes with ``sphinx.search.zh``, which cuts
text into words with ``jieba``. The browser's search does not cut the query: it looks the whole
query up as one word. jieba's own dictionary cuts 稀疏梯度 (sparse gradient) into 稀疏 + 梯度, so
a search for 稀疏梯度 found nothing. The glossary pairs each English term with its Chinese term;
those terms are given to jieba as words (``html_search_options["dict"]``, a jieba user
dictionary written to the doctree folder), so each is indexed whole (and, by jieba's search mode,
by its parts as well).

A dictionary only tips jieba's choice where the term stands alone: in context, a more frequent
neighbour wins, and 带动量的 SGD ("SGD with momentum") is cut 带动 + 量 + 的, so a search for
动量 missed the page. The index therefore also takes every glossary term that occurs in a text,
however jieba cut it (``GlossarySearchChinese``, registered for ``zh`` with Sphinx's
``add_search_language``).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.search.zh import SearchChinese

__all__ = ["GlossarySearchChinese", "glossary_terms", "setup"]

GLOSSARY = "chapters/glossary.md"
DICTIONARY = "jieba_glossary_terms.txt"
CHINESE_TERM_LINE = re.compile(r"^\s*(?:\*\*中文：\*\*|\*中文 \(not in the article\):\*)\s*(.+)$")
TERM_END = re.compile(r"[（(；;。，,]")
HAN_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")


def glossary_terms(glossary: str) -> list[str]:
    """The Chinese terms of the glossary's ``中文`` lines, in order, without duplicates.

    >>> glossary_terms('''embedding
    ...   **中文：** 词嵌入 / 嵌入（文中"将输入中的每个词转换为词嵌入"）。
    ... sparse gradient
    ...   *中文 (not in the article):* 稀疏梯度；文中说"梯度转变为稀疏张量"。
    ... Adam
    ...   **中文：** Adam（优化器）。''')
    ['词嵌入', '嵌入', '稀疏梯度']
    """
    terms: list[str] = []
    for line in glossary.splitlines():
        match = CHINESE_TERM_LINE.match(line)
        if not match:
            continue
        for word in TERM_END.split(match.group(1))[0].split("/"):
            word = word.strip()
            if HAN_WORD.match(word) and word not in terms:
                terms.append(word)
    return terms


def _use_glossary_terms(app: Sphinx, config: Config) -> None:
    if not (config.language or "").startswith("zh"):
        return
    logging.getLogger("jieba").setLevel(logging.WARNING)  # no "Building prefix dict" chatter
    glossary = Path(app.srcdir) / GLOSSARY
    dictionary = Path(app.doctreedir) / DICTIONARY
    dictionary.parent.mkdir(parents=True, exist_ok=True)
    terms = glossary_terms(glossary.read_text(encoding="utf-8"))
    dictionary.write_text("".join(f"{term}\n" for term in terms), encoding="utf-8")
    config.html_search_options = {**(config.html_search_options or {}), "dict": str(dictionary)}


class GlossarySearchChinese(SearchChinese):
    """Sphinx's Chinese search, indexing every glossary term found in a text as a word too.

    >>> jieba_alone = SearchChinese({})
    >>> "动量" in jieba_alone.split("带动量的 SGD 接受稀疏梯度")  # 带动 + 量: momentum lost
    False
    >>> search = GlossarySearchChinese({})
    >>> search.terms = ["动量", "稀疏梯度"]
    >>> [word for word in search.split("带动量的 SGD 接受稀疏梯度") if word in search.terms]
    ['动量', '稀疏梯度']
    """

    lang = "zh"

    def init(self, options: dict[str, str]) -> None:
        """jieba's set-up, and the terms of the user dictionary (``options["dict"]``)."""
        super().init(options)
        dictionary = Path(options.get("dict") or "")
        self.terms = dictionary.read_text(encoding="utf-8").split() if dictionary.is_file() else []

    def split(self, input: str) -> list[str]:
        """jieba's words of ``input``, then each glossary term in it that jieba cut apart."""
        words = super().split(input)
        return words + [term for term in self.terms if term in input and term not in words]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the hook and the search language (Sphinx entry point)."""
    app.connect("config-inited", _use_glossary_terms)
    app.add_search_language(GlossarySearchChinese)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
