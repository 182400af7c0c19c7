"""A reader who has only the website can run the book ("Run it yourself", issue 14 point 9).

The archive is taken from the served site as a reader takes it (the page's link, over HTTP, and
by a click in Chromium at phone width), unpacked in a temporary folder, and a chapter passes
strict nbval from there, importing the unpacked `embedlib`, not the editable install. Launch
buttons appear exactly when `_config.yml` names a repository (checked with a dummy URL in a small
separate build), and chapters then install `embedlib` on Colab from that repository. The vendor
step fails fast with npm's own reason when the registry cannot be reached (issue 15 section 4).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from urllib.parse import urljoin

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import JUPYTER_BOOK, ROOT, BookBuild
from site_helpers import (
    BLOCK_OTHER_HOSTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    chromium_available,
    screenshot_path,
    serve_directory,
    source_suffix,
    toc_docnames,
)

PAGE = "chapters/run_it_yourself.html"
FIRST_SECTION = "run-the-book-in-jupyterlab"  # what a reader sent by a widget's note meets first
CHAPTER = "chapters/01_syntax.ipynb"  # the chapter run from the unpacked archive (about 7 s)
TOP_LEVEL = {
    "Makefile",
    "README.md",
    "chapters",
    "constraints.txt",
    "embedlib",
    "lab",
    "pyproject.toml",
    "requirements.txt",
    "tools",
}
DUMMY_REPOSITORY = "https://github.com/example-org/example-book"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def _load_tool(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_archive = _load_tool("build_archive")


def colab_install_lines(url: str, branch: str) -> str:
    """The lines every chapter's setup cell carries (after its magics) once a repository is set.

    On Colab, and only there, they install `embedlib` with its pinned torch from the repository,
    before the cell imports anything from it. `make lab` and Binder install it (requirements.txt).
    """
    return (
        'if "google.colab" in sys.modules:  # on Colab, install the book\'s helper package first\n'
        f'    %pip install "embedlib @ git+{url}@{branch}"\n'
    )


def _setup_cell(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    return "".join(next(cell for cell in cells if cell["cell_type"] == "code")["source"])


def _without_make_variables() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}


# --- The archive, as a reader gets it ----------------------------------------------------------


@pytest.fixture(scope="module")
def site(built_book: BookBuild) -> Iterator[str]:
    if not (built_book.html_dir / PAGE).is_file():
        pytest.fail(f"no {PAGE} in the built book:\n{built_book.log[-3000:]}")
    with serve_directory(built_book.html_dir) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def page_html(site: str) -> str:
    with urllib.request.urlopen(urljoin(site, PAGE), timeout=30) as response:
        return response.read().decode()


@pytest.fixture(scope="module")
def archive_url(site: str, page_html: str) -> str:
    links = BeautifulSoup(page_html, "html.parser").select('a.download[href$=".zip"]')
    assert len(links) == 1, "the page has one download link to the archive"
    return urljoin(urljoin(site, PAGE), links[0]["href"])


@pytest.fixture(scope="module")
def archive_bytes(archive_url: str) -> bytes:
    with urllib.request.urlopen(archive_url, timeout=30) as response:
        assert response.status == 200
        return response.read()


@pytest.fixture(scope="module")
def unpacked(archive_bytes: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reader")
    (folder / "embedding-book.zip").write_bytes(archive_bytes)
    with zipfile.ZipFile(folder / "embedding-book.zip") as zf:
        zf.extractall(folder)
    return folder / build_archive.TOP_FOLDER


def test_the_first_section_links_the_archive(page_html: str, archive_url: str) -> None:
    soup = BeautifulSoup(page_html, "html.parser")
    first = soup.select("article section section")[0]
    assert first["id"] == FIRST_SECTION
    assert first.select_one('a.download[href$=".zip"]') is not None
    assert "make lab" in first.get_text()
    assert "/_downloads/" in archive_url and archive_url.endswith("/embedding-book.zip")


def test_the_site_serves_the_archive_this_tree_builds(archive_bytes: bytes, tmp_path) -> None:
    fresh = build_archive.build_archive(tmp_path / "fresh.zip").read_bytes()
    assert archive_bytes == fresh, "the site's archive is stale, or the build is not reproducible"
    promised = re.search(
        r"zip file \(under (\d+) MB\)", (ROOT / "chapters" / "run_it_yourself.md").read_text()
    )
    assert promised and len(archive_bytes) < int(promised[1]) * 1_000_000, "update the page's size"


def test_the_archive_holds_what_running_the_book_needs(unpacked: Path) -> None:
    assert {path.name for path in unpacked.iterdir()} == TOP_LEVEL
    sources = [
        *ROOT.glob("chapters/*.ipynb"),
        *ROOT.glob("embedlib/**/*.py"),
        *ROOT.glob("lab/**/*"),
    ]
    sources += [ROOT / "tools" / "clean_notebooks.py", ROOT / "tools" / "sync_notebook_metadata.py"]
    for source in sources:
        if source.is_dir() or "__pycache__" in source.parts or ".ipynb_checkpoints" in source.parts:
            continue
        copy = unpacked / source.relative_to(ROOT)
        assert copy.read_bytes() == source.read_bytes(), source.relative_to(ROOT)
    for name in ("Makefile", "requirements.txt", "constraints.txt", "pyproject.toml"):
        assert (unpacked / name).read_bytes() == (ROOT / name).read_bytes(), name
    assert "make lab" in (unpacked / "README.md").read_text()


def test_the_archive_holds_no_tests_git_build_output_venv_or_vendor(unpacked: Path) -> None:
    every_part = {part for path in unpacked.rglob("*") for part in path.relative_to(unpacked).parts}
    unwanted = {"tests", ".git", "_build", ".venv", "_vendor", "__pycache__", ".ipynb_checkpoints"}
    assert every_part & unwanted == set()
    assert not [part for part in every_part if part.startswith(".")]


def test_editor_leftovers_stay_out_of_the_archive(tmp_path: Path) -> None:
    # JupyterLab keeps checkpoints of .py files it edits; Python leaves __pycache__ behind.
    tree = tmp_path / "tree"
    for name in ("Makefile", "pyproject.toml", "requirements.txt", "constraints.txt"):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tree / name)
    shipped = ("chapters/a.ipynb", "chapters/a.md", "chapters/a.bib", "embedlib/__init__.py")
    shipped += ("lab/settings/overrides.json", "tools/clean_notebooks.py")
    shipped += ("tools/sync_notebook_metadata.py",)
    for name in shipped:
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text("{}")
    for junk in ("embedlib/.ipynb_checkpoints/lookup-checkpoint.py", "embedlib/__pycache__/x.py"):
        (tree / junk).parent.mkdir(parents=True, exist_ok=True)
        (tree / junk).write_text("")
    members = build_archive.archive_members(tree)
    assert "embedding-book/embedlib/__init__.py" in members
    assert not [name for name in members if "checkpoint" in name or "__pycache__" in name]


def test_make_lab_finds_everything_it_needs_in_the_archive(unpacked: Path) -> None:
    # A dry run: make fails if a file the `lab` target depends on is not in the archive.
    result = subprocess.run(
        ["make", "-n", "lab"],
        cwd=unpacked,
        capture_output=True,
        text=True,
        timeout=60,
        env=_without_make_variables(),
    )
    assert result.returncode == 0, result.stderr
    assert "-r requirements.txt" in result.stdout
    assert "jupyter lab" in result.stdout


def test_a_chapter_passes_strict_nbval_from_the_unpacked_archive(
    unpacked: Path, tmp_path: Path
) -> None:
    # The kernel's startup records which embedlib it imports: the one the chapter then uses.
    record = tmp_path / "embedlib_file.txt"
    startup = tmp_path / "ipython" / "profile_default" / "startup" / "00-which-embedlib.py"
    startup.parent.mkdir(parents=True)
    startup.write_text(
        "def _record():\n"
        "    import pathlib\n\n"
        "    import embedlib\n\n"
        f"    pathlib.Path({str(record)!r}).write_text(embedlib.__file__)\n\n\n"
        "_record()\n"
        "del _record\n"
    )
    env = {**os.environ, "PYTHONPATH": str(unpacked), "IPYTHONDIR": str(tmp_path / "ipython")}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(ROOT / "tests" / "nbval_sanitize.cfg"),
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "-q",
        CHAPTER,
    ]
    result = subprocess.run(
        command, cwd=unpacked, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert re.search(r"\d+ passed", result.stdout)
    imported = Path(record.read_text())
    assert imported == unpacked / "embedlib" / "__init__.py"


@pytest.mark.browser
def test_a_reader_on_a_phone_downloads_the_archive_by_clicking_its_link(
    site: str, archive_bytes: bytes
) -> None:
    if not chromium_available():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make system-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS + BLOCK_OTHER_HOSTS
        )
        try:
            context = browser.new_context(
                viewport={"width": 390, "height": 844}, accept_downloads=True
            )
            page = context.new_page()
            page.goto(urljoin(site, PAGE), wait_until="load")
            link = page.get_by_role("link", name=re.compile(r"the book as a zip file"))
            link.scroll_into_view_if_needed()
            page.screenshot(path=screenshot_path("chapters/run_it_yourself", "__390"))
            with page.expect_download(timeout=15_000) as download:
                link.click()
            saved = Path(download.value.path())
            assert download.value.suggested_filename == "embedding-book.zip"
            assert saved.read_bytes() == archive_bytes
        finally:
            browser.close()


# --- Launch buttons and the Colab install lines ------------------------------------------------


def _launch_links(html: str) -> list[str]:
    return re.findall(r'href="(https://(?:mybinder\.org|colab\.research\.google\.com)[^"]*)"', html)


def test_launch_buttons_appear_exactly_when_a_repository_is_configured(
    built_book: BookBuild,
) -> None:
    notebooks = [name for name in toc_docnames() if source_suffix(name) == ".ipynb"]
    with_buttons = [
        name
        for name in toc_docnames()
        if _launch_links((built_book.html_dir / f"{name}.html").read_text())
    ]
    assert with_buttons == (notebooks if CONFIG["repository"]["url"] else [])


def test_a_configured_repository_gives_colab_and_binder_links(tmp_path: Path) -> None:
    # The one setting, overridden in a copy of _config.yml; a small toc keeps the build short.
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["repository"]["url"] = DUMMY_REPOSITORY
    extensions = config["sphinx"]["local_extensions"]
    for name, folder in extensions.items():  # jupyter-book resolves these beside the config file
        extensions[name] = str(ROOT / folder)
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config))
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: chapters/index\nchapters:\n"
        "  - file: chapters/01_syntax\n  - file: chapters/run_it_yourself\n"
    )
    result = subprocess.run(
        [
            str(JUPYTER_BOOK),
            "build",
            str(ROOT),
            "--path-output",
            str(tmp_path),
            "--config",
            str(tmp_path / "_config.yml"),
            "--toc",
            str(tmp_path / "_toc.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    html = tmp_path / "_build" / "html"
    assert (html / "chapters" / "01_syntax.html").is_file(), result.stdout[-3000:] + result.stderr
    branch = config["repository"]["branch"]
    assert _launch_links((html / "chapters" / "01_syntax.html").read_text()) == [
        f"https://mybinder.org/v2/gh/example-org/example-book/{branch}"
        "?urlpath=lab/tree/chapters/01_syntax.ipynb",
        f"https://colab.research.google.com/github/example-org/example-book/blob/{branch}"
        "/chapters/01_syntax.ipynb",
    ]
    assert _launch_links((html / "chapters" / "run_it_yourself.html").read_text()) == []


NOTEBOOKS_USING_EMBEDLIB = [
    path for path in sorted((ROOT / "chapters").glob("*.ipynb")) if "embedlib" in _setup_cell(path)
]


@pytest.mark.parametrize("path", NOTEBOOKS_USING_EMBEDLIB, ids=lambda p: p.name)
def test_setup_cell_installs_embedlib_on_colab_from_the_configured_repository(path: Path) -> None:
    setup = _setup_cell(path)
    url, branch = CONFIG["repository"]["url"], CONFIG["repository"]["branch"]
    if not url:
        assert "%pip" not in setup, "no repository is configured in _config.yml to install from"
        return
    lines = colab_install_lines(url, branch)
    assert lines in setup, f"put these lines after the magics of the setup cell:\n{lines}"
    assert "import sys\n" in setup[: setup.index(lines)]
    first_embedlib_import = re.search(r"^(from|import) embedlib", setup, flags=re.MULTILINE)
    assert setup.index(lines) < first_embedlib_import.start()


RUN_SNIPPET = r"""
import json, sys, types
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance()
calls = []
shell.register_magic_function(lambda line: calls.append(line), "line", "pip")
if sys.argv[2] == "colab":
    sys.modules["google.colab"] = types.ModuleType("google.colab")
shell.run_cell("import sys\n\n" + sys.argv[1], store_history=False).raise_error()
print(json.dumps(calls))
"""


@pytest.mark.parametrize("where", ["colab", "elsewhere"])
def test_the_install_lines_run_pip_on_colab_only(where: str) -> None:
    lines = colab_install_lines(DUMMY_REPOSITORY, "main")
    result = subprocess.run(
        [sys.executable, "-c", RUN_SNIPPET, lines, where],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    expected = [f'install "embedlib @ git+{DUMMY_REPOSITORY}@main"'] if where == "colab" else []
    assert json.loads(result.stdout.splitlines()[-1]) == expected


def test_the_install_requirement_builds_embedlib_from_a_git_repository() -> None:
    # The same requirement form, on this repository's own git history (pip clones it; no network).
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    requirement = f"embedlib @ git+{ROOT.as_uri()}@{commit}"
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "--no-index"),
            *("--no-build-isolation", "--quiet", "--report", "-", requirement),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    [install] = json.loads(result.stdout)["install"]
    assert install["metadata"]["name"] == "embedlib"
    assert install["download_info"]["vcs_info"]["commit_id"] == commit


# --- The vendor step, offline --------------------------------------------------------------------


def _makefile_variable(name: str) -> str:
    return re.search(rf"^{name} := (\S+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)[1]


def test_vendor_fails_fast_with_npms_reason_and_what_to_do(tmp_path: Path) -> None:
    # The registry is a closed port on this machine; the npm cache is empty, as on a fresh machine.
    env = {
        **os.environ,
        "npm_config_registry": "http://127.0.0.1:9/",
        "npm_config_cache": str(tmp_path / "npm-cache"),
        "npm_config_update_notifier": "false",
    }
    versions = [_makefile_variable("HTML_MANAGER_VERSION"), _makefile_variable("MATHJAX_VERSION")]
    result = subprocess.run(
        ["bash", str(ROOT / "tools" / "vendor.sh"), *versions, str(tmp_path / "vendor")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,  # npm's default retries took 71 s to fail here
    )
    assert result.returncode == 1
    assert "ECONNREFUSED" in result.stderr  # npm's own reason
    assert "npm registry once" in result.stderr and "'make vendor' again" in result.stderr
    assert not (tmp_path / "vendor").exists()


def test_vendor_says_how_to_call_it() -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "tools" / "vendor.sh"), "1.0.15"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "usage:" in result.stderr and "HTML_MANAGER_VERSION MATHJAX_VERSION" in result.stderr
