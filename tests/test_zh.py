"""The Chinese edition's catalogs: one per page, every message translated, markup kept.

These read ``locales/zh_CN/LC_MESSAGES/**/*.po`` with polib (no build). While the translators
are at work, ``test_every_message_is_translated`` fails for each catalog not yet finished, naming
it and its counts; everything else passes.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from site_helpers import ROOT, toc_docnames

CATALOGS = ROOT / "locales" / "zh_CN" / "LC_MESSAGES"
DOCNAMES = toc_docnames()
README = "locales/README.md"

# MyST markup that a translation keeps byte for byte (locales/README.md, "Keep the markup").
ROLE = re.compile(r"\{([a-z]+(?::[a-z]+)?)\}`([^`]*)`")
LINK_TARGET = re.compile(r"\]\(([^)\s]*)\)")
MATH = re.compile(r"\$\$?[^$]+\$\$?")
CODE = re.compile(r"`[^`]+`")
TERM_TARGET = re.compile(r"<([^<>]+)>\s*$")


def frozen_markup(message: str) -> Counter:
    """The pieces of ``message`` that a translation must keep unchanged, counted.

    Roles count by name and target (a ``{term}``'s shown text may be translated, its target not),
    links by target; math and inline code as they are.

    >>> english = "The {term}`embedding table` of `nn.Embedding` has $n$ rows ([](01.ipynb))."
    >>> chinese = "`nn.Embedding` 的{term}`权重矩阵 <embedding table>`有 $n$ 行（[](01.ipynb)）。"
    >>> frozen_markup(english) == frozen_markup(chinese)
    True
    >>> frozen_markup(english) == frozen_markup(chinese.replace("$n$", "n"))
    False
    >>> sorted(frozen_markup("{term}`超参数` and `x`"))
    [('code', '`x`'), ('term', '超参数')]
    """
    found: Counter = Counter()
    for name, content in ROLE.findall(message):
        if name == "term":
            target = TERM_TARGET.search(content)
            content = target.group(1) if target else content
        found[(name, content.strip())] += 1
    rest = ROLE.sub(" ", message)
    found.update(("link", target) for target in LINK_TARGET.findall(rest))
    found.update(("math", math) for math in MATH.findall(rest))
    found.update(("code", code) for code in CODE.findall(MATH.sub(" ", rest)))
    return found


def _catalog_path(docname: str) -> Path:
    return CATALOGS / f"{docname}.po"


def test_every_page_has_a_catalog_and_every_catalog_a_page() -> None:
    pages = {_catalog_path(name) for name in DOCNAMES}
    catalogs = set(CATALOGS.rglob("*.po"))
    assert sorted(map(str, pages - catalogs)) == [], "pages without a catalog: run `make catalogs`"
    assert sorted(map(str, catalogs - pages)) == [], "catalogs of no page: delete them"


@pytest.mark.parametrize("docname", DOCNAMES)
def test_catalog_is_valid_and_has_messages(docname: str) -> None:
    catalog = polib.pofile(str(_catalog_path(docname)))
    assert catalog.metadata.get("Language") == "zh_CN"
    assert len(catalog) >= 1
    assert catalog.obsolete_entries() == [], "obsolete messages: run `make catalogs`"


@pytest.mark.parametrize("docname", DOCNAMES)
def test_translations_keep_the_markup(docname: str) -> None:
    catalog = polib.pofile(str(_catalog_path(docname)))
    broken = []
    for entry in catalog.translated_entries():
        english, chinese = frozen_markup(entry.msgid), frozen_markup(entry.msgstr)
        if english != chinese:
            missing = sorted((english - chinese).elements())
            extra = sorted((chinese - english).elements())
            broken.append(f"{entry.msgid[:60]!r}: missing {missing}, changed or added {extra}")
    assert broken == [], f"{len(broken)} translations change the markup (see {README})"


@pytest.mark.parametrize("docname", DOCNAMES)
def test_every_message_is_translated(docname: str) -> None:
    catalog = polib.pofile(str(_catalog_path(docname)))
    untranslated, fuzzy = len(catalog.untranslated_entries()), len(catalog.fuzzy_entries())
    total = len([e for e in catalog if not e.obsolete])
    assert (untranslated, fuzzy) == (0, 0), (
        f"{docname}: {untranslated} of {total} messages untranslated, {fuzzy} fuzzy: translate "
        f"them in {_catalog_path(docname).relative_to(ROOT)} ({README})"
    )
