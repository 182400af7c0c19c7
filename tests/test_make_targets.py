"""`make format` and `make execute` never lose a learner's work.

They run for real, on a scratch git repository holding the project's Makefile and three small
notebooks: one committed, one committed and then edited, one never committed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com"]


def notebook(*sources: str) -> str:
    cells = [
        {"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
         "outputs": [], "source": source}
        for i, source in enumerate(sources)
    ]  # fmt: skip
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    meta = {"kernelspec": kernel, "language_info": {"name": "python"}}
    return json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for name in ("Makefile", "pyproject.toml", "requirements.txt", "constraints.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "clean_notebooks.py", tmp_path / "tools")
    shutil.copy(ROOT / "tools" / "sync_notebook_metadata.py", tmp_path / "tools")
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    (chapters / "committed.ipynb").write_text(notebook("import os\nimport sys\nx=1+1\nx"))
    (chapters / "edited.ipynb").write_text(notebook("y=2\ny"))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*GIT, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "start"], cwd=tmp_path, check=True)
    # the learner's work: a half-written cell that imports what it will use later
    (chapters / "edited.ipynb").write_text(notebook("import math\ny=2\ny"))
    (chapters / "my notes.ipynb").write_text(notebook("import json\nz=3"))
    (tmp_path / "stamp").touch()  # the venv is this one: nothing to install
    return tmp_path


def make(repo: Path, *args: str) -> subprocess.CompletedProcess:
    command = ["make", *args, f"BIN={BIN}", f"STAMP={repo / 'stamp'}"]
    env = {**os.environ, "MAKEFLAGS": ""}
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env, timeout=300)


def sources(path: Path) -> list[str]:
    return ["".join(cell["source"]) for cell in json.loads(path.read_text())["cells"]]


def test_format_skips_edited_and_uncommitted_notebooks_and_says_why(repo: Path) -> None:
    before = {p.name: p.read_bytes() for p in (repo / "chapters").iterdir()}
    result = make(repo, "format")
    assert result.returncode == 0, result.stderr
    assert "skipped chapters/edited.ipynb: it has uncommitted changes (git status M)" in (
        result.stderr
    )
    assert "skipped chapters/my notes.ipynb: it is not committed" in result.stderr
    assert "FORCE=1" in result.stderr
    for name in ("edited.ipynb", "my notes.ipynb"):
        assert (repo / "chapters" / name).read_bytes() == before[name]
    # the committed notebook is formatted, and its unused imports are kept
    assert sources(repo / "chapters" / "committed.ipynb") == [
        "import os\nimport sys\n\nx = 1 + 1\nx"
    ]


def test_format_with_force_formats_everything_but_deletes_no_code(repo: Path) -> None:
    result = make(repo, "format", "FORCE=1")
    assert result.returncode == 0, result.stderr
    assert "skipped" not in result.stderr
    assert sources(repo / "chapters" / "edited.ipynb") == ["import math\n\ny = 2\ny"]
    assert sources(repo / "chapters" / "my notes.ipynb") == ["import json\n\nz = 3"]


def test_execute_runs_committed_chapters_only(repo: Path) -> None:
    before = (repo / "chapters" / "edited.ipynb").read_bytes()
    result = make(repo, "execute")
    assert result.returncode == 0, result.stderr
    assert "skipped chapters/edited.ipynb: it has uncommitted changes" in result.stderr
    assert (repo / "chapters" / "edited.ipynb").read_bytes() == before
    cell = json.loads((repo / "chapters" / "committed.ipynb").read_text())["cells"][0]
    assert "".join(cell["outputs"][0]["data"]["text/plain"]) == "2"


def test_execute_runs_a_named_edited_notebook_with_force(repo: Path) -> None:
    result = make(repo, "execute", "NOTEBOOKS=chapters/edited.ipynb", "FORCE=1")
    assert result.returncode == 0, result.stderr
    cell = json.loads((repo / "chapters" / "edited.ipynb").read_text())["cells"][0]
    assert "".join(cell["outputs"][0]["data"]["text/plain"]) == "2"
    assert sources(repo / "chapters" / "edited.ipynb") == ["import math\ny=2\ny"]  # unformatted
    committed = json.loads((repo / "chapters" / "committed.ipynb").read_text())["cells"][0]
    assert committed["outputs"] == []  # not named: not run
