"""Build the Chinese edition (中文版) from the same sources and the same `_config.yml`, or extract
the English messages that its catalogs translate.

Jupyter Book 1 cannot pass `-D language=...` to Sphinx (jupyter-book#1791), so this script does
what `jupyter-book build` does (jupyter-book works out the Sphinx configuration from `_config.yml`
and `_toc.yml`, then runs Sphinx) with a few settings on top, in EDITION below. The English build,
`jupyter-book build .`, is untouched.

    python tools/build_zh.py html [--all]   # the Chinese site: _build/html/zh/ (strict)
    python tools/build_zh.py gettext        # the messages: _build/gettext/<docname>.pot
    python tools/build_zh.py catalogs       # gettext, then update locales/zh_CN/**/*.po

Both are strict, as `make book` is: warnings are errors (-W -n --keep-going). The Chinese pages
sit at the same paths under `zh/` as the English ones under `_build/html/`, which is how the
language switch finds the same page in the other edition (`_ext/editions.py`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
LOCALE_DIR = "locales"
LANGUAGE = "zh_CN"
# What the Chinese build sets on top of _config.yml (Sphinx settings).
EDITION = {
    "language": LANGUAGE,
    "locale_dirs": [LOCALE_DIR],
    # one catalog per document: locales/zh_CN/LC_MESSAGES/chapters/01_syntax.po
    "gettext_compact": False,
    # Sphinx's Chinese search, which segments the index and the query with jieba
    "html_search_language": "zh",
}
# Extracting reads the English as it is: with the catalogs in reach, Sphinx's Locale transform
# would translate while the gettext builder reads, and an image's alt text (which the builder
# takes from the translated node, unlike a paragraph's source) came back as a Chinese msgid.
EXTRACT = {"gettext": {"locale_dirs": []}}
OUTPUTS = {"html": BUILD / "html" / "zh", "gettext": BUILD / "gettext"}
CATALOGS = ROOT / LOCALE_DIR / LANGUAGE / "LC_MESSAGES"
ARCHIVE = BUILD / "archive" / "embedding-book.zip"
# Babel guesses these from "{term}" or "%" in a message; our messages are MyST, not format strings,
# and `msgfmt --check` would reject a correct translation ("50%的") against the guessed format.
GUESSED_FLAGS = {"python-format", "python-brace-format"}
HEADER = """Chinese (zh_CN) translation of {docname}, torch.nn.Embedding, measured.
Updated by `make catalogs`; how to translate: locales/README.md."""
DOCTREES = {"html": BUILD / ".doctrees-zh", "gettext": BUILD / ".doctrees-gettext"}


def sphinx_settings() -> tuple[Path | None, Path, dict]:
    """What `jupyter-book build . -n` passes to Sphinx: (config path, source folder, overrides)."""
    from jupyter_book.cli.main import build

    return build.callback(
        path_source=str(ROOT), path_output=None, config=None, toc=None, warningiserror=True,
        nitpick=True, keep_going=True, freshenv=False, builder="html", custom_builder=None,
        verbose=0, quiet=0, individualpages=False, get_config_only=True,
    )  # fmt: skip


def build(builder: str, fresh: bool = False) -> int:
    """Run Sphinx's ``builder`` ("html" or "gettext") on the book in Chinese; its exit status."""
    from jupyter_book.sphinx import build_sphinx

    path_config, source, overrides = sphinx_settings()
    result = build_sphinx(
        source,
        OUTPUTS[builder],
        noconfig=True,
        path_config=str(path_config),
        confoverrides={**overrides, **EDITION, **EXTRACT.get(builder, {})},
        doctreedir=DOCTREES[builder],
        builder=builder,
        freshenv=fresh,
        warningiserror=True,
        keep_going=True,
    )
    if isinstance(result, Exception):
        return 1
    return int(result)


def _normalise(catalog, docname: str) -> None:
    """Our catalogs' header and flags (what sphinx-intl and Babel write is otherwise kept)."""
    for entry in catalog:
        entry.flags = [flag for flag in entry.flags if flag not in GUESSED_FLAGS]
    catalog.header = HEADER.format(docname=docname)
    catalog.metadata_is_fuzzy = False
    catalog.metadata["Project-Id-Version"] = "torch.nn.Embedding, measured"


def _state(catalog) -> tuple:
    """What ``_normalise`` may change, to tell whether it changed anything."""
    flags = [tuple(entry.flags) for entry in catalog]
    return catalog.header, bool(catalog.metadata_is_fuzzy), dict(catalog.metadata), flags


def merge_catalogs(pot_dir: Path, locale_dir: Path) -> list[Path]:
    """Merge the messages of ``pot_dir/**/*.pot`` into the catalogs under ``locale_dir``.

    sphinx-intl keeps every translation whose English is unchanged, marks one whose English
    changed ``fuzzy`` (with its old translation, for the translator to update), adds new
    messages untranslated and drops messages no page has any more (--no-obsolete). A catalog
    whose messages did not change is not touched (not even its date or line wrapping), so a
    contributor's diff shows only what changed, and Sphinx does not re-read the page. Returns
    the catalogs written.
    """
    import polib

    catalogs = locale_dir / LANGUAGE / "LC_MESSAGES"
    before = {path: path.read_bytes() for path in catalogs.rglob("*.po")}
    intl = Path(sys.executable).parent / "sphinx-intl"
    command = [str(intl), "update", "-p", str(pot_dir), "-d", str(locale_dir), "-l", LANGUAGE,
               "--no-obsolete", "-j", "1"]  # fmt: skip
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    written = []
    for path in sorted(catalogs.rglob("*.po")):
        catalog = polib.pofile(str(path), wrapwidth=76)
        state = _state(catalog)
        _normalise(catalog, path.relative_to(catalogs).with_suffix("").as_posix())
        if before.get(path) == path.read_bytes() and _state(catalog) == state:
            continue  # sphinx-intl left it alone, and so do we
        catalog.save()
        written.append(path)
    return written


def update_catalogs() -> int:
    """Extract the English messages and merge them into the catalogs (``merge_catalogs``)."""
    if not ARCHIVE.is_file():  # the "Run it yourself" page links it
        subprocess.run([sys.executable, str(ROOT / "tools" / "build_archive.py")], check=True)
    status = build("gettext")
    if status:
        return status
    (OUTPUTS["gettext"] / "sphinx.pot").unlink(missing_ok=True)  # the theme translates its own UI
    written = merge_catalogs(OUTPUTS["gettext"], ROOT / LOCALE_DIR)
    for path in written:
        print(f"updated {path.relative_to(ROOT)}")
    print(f"{len(written)} catalogs updated, the others unchanged (untouched)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("builder", choices=[*sorted(OUTPUTS), "catalogs"])
    parser.add_argument("--all", action="store_true", help="re-read every page (fresh build)")
    args = parser.parse_args(argv)
    if args.builder == "catalogs":
        return update_catalogs()
    status = build(args.builder, fresh=args.all)
    if status == 0:
        print(f"Built {args.builder} into {OUTPUTS[args.builder].relative_to(ROOT)}/")
    return status


if __name__ == "__main__":
    sys.exit(main())
