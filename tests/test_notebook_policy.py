"""The notebook policy, checked on the committed chapters (nbval checks that outputs reproduce).

nbval does not compare images, saved widget state or cell tags, so what it cannot see is checked
here: every figure has its picture, widgets have their saved state, ignored outputs give a reason,
no output shows a machine path, and every chapter ends with executed, asserting exercises.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))
NUMBERED = [path for path in NOTEBOOKS if re.match(r"\d\d_", path.name)]
MACHINE_PATH = re.compile(r"/(root|home|tmp|work)/")


def _code_cells(path: Path) -> list[dict]:
    notebook = json.loads(path.read_text())
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_code_cell_was_executed_in_order(path: Path) -> None:
    counts = [cell["execution_count"] for cell in _code_cells(path) if _source(cell).strip()]
    assert None not in counts, "run `make execute` and commit the outputs"
    assert counts == list(range(1, len(counts) + 1)), "execute top to bottom in a fresh kernel"


SETUP_START = (
    'get_ipython().InteractiveTB.set_mode("Minimal")  # tracebacks: just the error line\n'
    "%matplotlib inline\n"
    '%config InlineBackend.figure_formats = ["retina"]  # sharp figures on HiDPI screens\n'
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_cell_is_quiet_deterministic_and_collapsed_on_the_website(path: Path) -> None:
    setup_cell = _code_cells(path)[0]
    setup = _source(setup_cell)
    assert setup.startswith(SETUP_START), f"start the setup cell with:\n{SETUP_START}"
    assert "torch.manual_seed(" in setup
    assert setup_cell["outputs"] == [], "the setup cell prints nothing (show versions elsewhere)"
    assert "hide-input" in setup_cell["metadata"].get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_page_opens_with_the_idea_not_the_setup(path: Path) -> None:
    cells = json.loads(path.read_text())["cells"]
    first_code = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    opening = "\n".join(_source(c) for c in cells[:first_code])
    assert first_code >= 1 and opening.lstrip().startswith("# "), "title and idea first"
    if path in NUMBERED:
        # 2-4 bullets of what the reader will be able to do after the chapter
        match = re.search(r"you will be able to:?\s*\n((?:[-*] .*\n?(?:[ ]{2,}.*\n?)*)+)", opening)
        assert match, "the opening says what 'you will be able to' do, as a bullet list"
        bullets = re.findall(r"^[-*] ", match[1], re.M)
        assert 2 <= len(bullets) <= 4, match[1]


@pytest.mark.parametrize("path", NUMBERED, ids=lambda p: p.name)
def test_chapter_closes_with_key_takeaways(path: Path) -> None:
    cells = json.loads(path.read_text())["cells"]
    exercises = next(
        i for i, c in enumerate(cells) if re.search(r"^## Exercises", _source(c), re.M)
    )
    boxes = [
        _source(c)
        for c in cells[:exercises]
        if c["cell_type"] == "markdown" and re.search(r"\{admonition\} Key takeaways", _source(c))
    ]
    assert len(boxes) == 1, "one ':::{admonition} Key takeaways' box before the exercises"
    body = boxes[0].split("Key takeaways", 1)[1]
    assert 5 <= len(re.findall(r"^[-*] ", body, re.M)) <= 8, body


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_tooling_text_stays_out_of_what_readers_see(path: Path) -> None:
    cells = json.loads(path.read_text())["cells"]
    for cell in cells:
        source = _source(cell)
        assert "NBVAL_IGNORE_OUTPUT" not in source, "use the nbval-ignore-output cell tag"
        if cell["cell_type"] == "markdown":
            # {doc} links do not open in JupyterLab; [](file.ipynb) links work there and here
            assert "{doc}" not in source, "link chapters as [](NN_name.ipynb)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_run_timestamps_are_committed(path: Path) -> None:
    # `make execute` passes record_timing=False; timestamps would change on every run.
    assert all("execution" not in cell["metadata"] for cell in _code_cells(path))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_output_shows_a_machine_path(path: Path) -> None:
    for cell in _code_cells(path):
        text = json.dumps(cell.get("outputs", []))
        assert not MACHINE_PATH.search(text), _source(cell)[:200]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_output_has_its_picture(path: Path) -> None:
    for cell in _code_cells(path):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "".join(data.get("text/plain", "")).startswith("<Figure size"):
                assert "image/png" in data, f"figure without a picture in: {_source(cell)[:200]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_says_what_it_shows(path: Path) -> None:
    # myst-nb takes an image's alt text from the cell's metadata; without it, the file path
    for cell in _code_cells(path):
        if any("image/png" in output.get("data", {}) for output in cell.get("outputs", [])):
            alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt) >= 20 and "/" not in alt and not alt.endswith(".png"), (
                'give the cell {"mystnb": {"image": {"alt": "what the figure shows"}}} metadata'
                f"\n{_source(cell)[:200]}"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_ignored_outputs_give_a_reason(path: Path) -> None:
    # A cell whose output nbval does not compare (tag nbval-ignore-output) says why, in a comment.
    for cell in _code_cells(path):
        if "nbval-ignore-output" in cell["metadata"].get("tags", []):
            comments = [
                line for line in _source(cell).splitlines() if line.lstrip().startswith("#")
            ]
            assert any(len(line.strip()) >= 20 for line in comments), _source(cell)[:200]


PRIVATE = re.compile(
    r"\._version\b|\._nnz\(|\._values\(|\._indices\(|\.data\b(?!_)|_calculate_fan_in_and_fan_out"
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_private_torch_internals_only_where_the_cell_says_why(path: Path) -> None:
    for cell in _code_cells(path):
        source = _source(cell)
        if PRIVATE.search(source):
            comments = " ".join(line for line in source.splitlines() if "#" in line).lower()
            assert "internal" in comments or "private" in comments, (
                "a private torch internal in teaching code: use the public form, or say in a "
                f"comment why only the internal shows it and what a user observes\n{source[:300]}"
            )


@pytest.mark.parametrize("path", NUMBERED, ids=lambda p: p.name)
def test_at_least_two_thirds_of_visible_code_cells_are_plain_torch(path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "stats", CHAPTERS.parent / "tools" / "chapter_stats.py"
    )
    stats = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stats)
    counts = stats.stats(path)
    assert counts["torch"] * 3 >= counts["visible"] * 2, counts
    assert counts["visible"] <= 40 and counts["words"] <= 2200, counts


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_widgets_have_saved_state(path: Path) -> None:
    notebook = json.loads(path.read_text())
    views = [
        output
        for cell in _code_cells(path)
        for output in cell.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in output.get("data", {})
    ]
    state = notebook["metadata"].get("widgets", {})
    saved = state.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for output in views:
        model_id = output["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
        assert model_id in saved, "widget without saved state: execute with `make execute`"


@pytest.mark.parametrize("path", NUMBERED, ids=lambda p: p.name)
def test_chapter_ends_with_executed_asserting_exercises(path: Path) -> None:
    notebook = json.loads(path.read_text())
    cells = notebook["cells"]
    start = next(
        (i for i, c in enumerate(cells) if re.search(r"^## Exercises", _source(c), re.M)), None
    )
    assert start is not None, "a chapter ends with a '## Exercises' section"
    exercises = [
        i
        for i, c in enumerate(cells[start:], start)
        if c["cell_type"] == "markdown" and re.search(r"^\*\*Exercise \d+", _source(c), re.M)
    ]
    assert 3 <= len(exercises) <= 5
    for i in exercises:
        solution = cells[i + 1]
        assert solution["cell_type"] == "code"
        assert "hide-cell" in solution["metadata"].get("tags", [])
        assert "assert " in _source(solution)
        # JupyterLab shows a collapsed cell's first line: a comment, not the answer
        assert _source(solution).startswith("# "), _source(solution)[:100]
        assert solution["execution_count"] is not None


# A widget view shows its model and every model that model's state names as "IPY_MODEL_<id>"
# (children, layouts, styles, Outputs); one missing and Lab and the website show "model not found".
MODEL_REFERENCE = re.compile(r"IPY_MODEL_([\w-]+)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_saved_widget_state_has_every_model_its_views_need(path: Path) -> None:
    notebook = json.loads(path.read_text())
    state = (
        notebook["metadata"]
        .get("widgets", {})
        .get("application/vnd.jupyter.widget-state+json", {})
        .get("state", {})
    )
    todo = [
        output["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
        for cell in _code_cells(path)
        for output in cell.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in output.get("data", {})
    ]
    seen: set[str] = set()
    while todo:
        model_id = todo.pop()
        if model_id in seen:
            continue
        seen.add(model_id)
        assert model_id in state, (
            f"widget model {model_id} is shown but not in the saved widget state: run the chapter "
            "with `make execute` (or Run All in `make lab`, which saves widget state) and commit"
        )
        todo.extend(MODEL_REFERENCE.findall(json.dumps(state[model_id]["state"])))


# JupyterLab ignores the website's hide tags and collapses cells by their metadata instead;
# tools/sync_notebook_metadata.py (run by `make execute`) keeps the two in step.
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_cells_hidden_on_the_website_are_collapsed_in_jupyterlab(path: Path) -> None:
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        tags = set(cell["metadata"].get("tags", []))
        has_outputs = bool(cell.get("outputs"))
        want_source = bool(tags & {"hide-cell", "hide-input"})
        want_outputs = bool(tags & {"hide-cell", "hide-output"}) and has_outputs
        jupyter = cell["metadata"].get("jupyter", {})
        got = (
            jupyter.get("source_hidden", False),
            jupyter.get("outputs_hidden", False),
            cell["metadata"].get("collapsed", False),
        )
        assert got == (want_source, want_outputs, want_outputs), (
            f"cell tagged {sorted(tags)} has Lab metadata {cell['metadata']}: "
            f"run `.venv/bin/python tools/sync_notebook_metadata.py chapters/{path.name}`"
            f"\n{_source(cell)[:200]}"
        )
