"""lab/widget_state.py, the pre-save hook `make lab` installs, on the committed chapters."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("widget_state", ROOT / "lab" / "widget_state.py")
widget_state = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(widget_state)

WITH_WIDGETS = [
    path
    for path in sorted((ROOT / "chapters").glob("*.ipynb"))
    if widget_state.shown_models(json.loads(path.read_text()))
]


def _save(notebook: dict, path: Path) -> dict:
    """What the hook leaves of ``notebook`` when it is saved over ``path``."""
    model = {"type": "notebook", "content": copy.deepcopy(notebook)}
    manager = SimpleNamespace(root_dir=str(path.parent))
    widget_state.keep_saved_widget_state(model, path.name, manager)
    return model["content"]


@pytest.mark.parametrize("path", WITH_WIDGETS, ids=lambda p: p.name)
def test_saving_without_live_widgets_keeps_the_saved_state(path: Path) -> None:
    # What JupyterLab sends when nothing ran: the outputs as they were, no widget state.
    on_disk = json.loads(path.read_text())
    sent = copy.deepcopy(on_disk)
    sent["metadata"]["widgets"][widget_state.WIDGET_STATE]["state"] = {}
    assert _save(sent, path) == on_disk


@pytest.mark.parametrize("path", WITH_WIDGETS, ids=lambda p: p.name)
def test_links_between_widgets_come_back_too(path: Path) -> None:
    # A jslink names the widgets it links, nothing names it: it is found the other way round.
    on_disk = json.loads(path.read_text())
    state = widget_state.saved_state(on_disk)
    links = {i for i, model in state.items() if model["model_name"] == "LinkModel"}
    assert links, "the kernel-free widgets are linked in the browser"
    kept = widget_state.connected_models(widget_state.shown_models(on_disk), state)
    assert links <= kept


def test_a_complete_or_new_notebook_is_left_alone(tmp_path: Path) -> None:
    path = WITH_WIDGETS[0]
    on_disk = json.loads(path.read_text())
    assert _save(on_disk, path) == on_disk
    sent = copy.deepcopy(on_disk)
    sent["metadata"]["widgets"][widget_state.WIDGET_STATE]["state"] = {}
    assert _save(sent, tmp_path / "new.ipynb") == sent  # nothing on disk to take state from
    text = {"type": "file", "content": "not a notebook"}
    widget_state.keep_saved_widget_state(text, "x.txt", SimpleNamespace(root_dir=str(tmp_path)))
    assert text == {"type": "file", "content": "not a notebook"}
