"""The Chinese edition's catalogs: one per page, every message translated, markup kept.

These read ``locales/zh_CN/LC_MESSAGES/**/*.po`` with polib (no build). While the translators
are at work, ``test_every_message_is_translated`` fails for each catalog not yet finished, naming
it and its counts; everything else passes.
"""

from __future__ import annotations

import importlib.util
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


def unfinished(catalog: polib.POFile) -> tuple[int, int]:
    """How many messages of ``catalog`` are untranslated, and how many fuzzy."""
    return len(catalog.untranslated_entries()), len(catalog.fuzzy_entries())


@pytest.mark.parametrize("docname", DOCNAMES)
def test_every_message_is_translated(docname: str) -> None:
    catalog = polib.pofile(str(_catalog_path(docname)))
    untranslated, fuzzy = unfinished(catalog)
    total = len([e for e in catalog if not e.obsolete])
    assert (untranslated, fuzzy) == (0, 0), (
        f"{docname}: {untranslated} of {total} messages untranslated, {fuzzy} fuzzy: translate "
        f"them in {_catalog_path(docname).relative_to(ROOT)} ({README})"
    )


# --- `make catalogs`: merging changed English into the catalogs ---------------------------------


def _build_zh():
    """tools/build_zh.py as a module."""
    spec = importlib.util.spec_from_file_location("build_zh", ROOT / "tools" / "build_zh.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write_pot(path: Path, messages: list[str]) -> None:
    """A template of ``messages``, as Sphinx's gettext builder writes one."""
    pot = polib.POFile(wrapwidth=76)
    pot.metadata = {
        "POT-Creation-Date": "2026-12-06 05:54+0000",
        "Content-Type": "text/plain; charset=utf-8",
    }
    pot.extend(
        polib.POEntry(msgid=message, msgstr="", occurrences=[("page.md", "1")])
        for message in messages
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pot.save(str(path))


PARAGRAPH = "The lookup returns the rows of the embedding table that the ids name, in order."
TRANSLATION = "查找按顺序返回 id 所指的权重矩阵各行。"


def test_make_catalogs_touches_only_catalogs_whose_messages_changed(tmp_path: Path) -> None:
    # `make catalogs` on an unchanged tree changes no file, not even a date: a contributor's diff
    # shows only what changed. A changed English paragraph comes back fuzzy, its old translation
    # kept for the translator, and the drift check (test_every_message_is_translated) fails.
    build_zh = _build_zh()
    pots, locales = tmp_path / "gettext", tmp_path / "locales"
    _write_pot(pots / "chapters" / "page.pot", ["Heading", PARAGRAPH])
    assert build_zh.merge_catalogs(pots, locales) != []  # a new catalog
    path = locales / "zh_CN" / "LC_MESSAGES" / "chapters" / "page.po"
    catalog = polib.pofile(str(path))
    catalog.find(PARAGRAPH).msgstr = TRANSLATION
    catalog.find("Heading").msgstr = "标题"
    catalog.save()
    assert unfinished(catalog) == (0, 0)
    saved, stat = path.read_bytes(), path.stat()

    _write_pot(pots / "chapters" / "page.pot", ["Heading", PARAGRAPH])  # regenerated, unchanged
    assert build_zh.merge_catalogs(pots, locales) == []
    assert (path.read_bytes(), path.stat().st_mtime_ns) == (saved, stat.st_mtime_ns)

    changed = PARAGRAPH.replace("in order", "in the order given")
    _write_pot(pots / "chapters" / "page.pot", ["Heading", changed])
    assert build_zh.merge_catalogs(pots, locales) == [path]
    catalog = polib.pofile(str(path))
    assert catalog.find(changed).fuzzy and catalog.find(changed).msgstr == TRANSLATION
    assert catalog.find(PARAGRAPH) is None  # gone, not kept as obsolete
    assert unfinished(catalog) == (0, 1)
