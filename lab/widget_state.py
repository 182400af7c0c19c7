"""A JupyterLab pre-save hook: a saved notebook keeps the widget state its outputs show.

With "save widget state" on, JupyterLab's widget manager saves the state of the widget models
that are live in the kernel and drops every other model, including the ones it loaded from the
notebook itself (https://github.com/jupyter-widgets/ipywidgets/issues/3888: remove this hook
when that is fixed). A chapter opened and saved (or autosaved) without running would lose the
state of its kernel-free widgets, and a chapter run in part the state of the cells not run: on
reopen those widgets say "model not found". This server extension (``lab/jupyter_server_config.py``
loads it for ``make lab``) takes every model that an output still shows and the new state lacks,
with the models linked to it, from the notebook on disk. It changes nothing else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_REFERENCE = re.compile(r"IPY_MODEL_([\w-]+)")  # how one model's state names another


def shown_models(notebook: dict[str, Any]) -> set[str]:
    """The ids of the widget models that the notebook's outputs display."""
    return {
        output["data"][WIDGET_VIEW]["model_id"]
        for cell in notebook.get("cells", [])
        for output in cell.get("outputs", [])
        if WIDGET_VIEW in output.get("data", {})
    }


def saved_state(notebook: dict[str, Any]) -> dict[str, Any]:
    """The notebook's saved widget state: model id -> model (empty if none is saved)."""
    widgets = notebook.get("metadata", {}).get("widgets", {})
    return widgets.get(WIDGET_STATE, {}).get("state", {})


def connected_models(ids: Iterable[str], state: dict[str, Any]) -> set[str]:
    """``ids`` and every model of ``state`` linked to them through references, either way.

    Either way: a view's box refers to its children and layouts, and a ``jslink`` refers to the
    two widgets it links (nothing refers to the link), so a widget works only with both.
    """
    linked: dict[str, set[str]] = {model_id: set() for model_id in state}
    for model_id, model in state.items():
        for other in _REFERENCE.findall(json.dumps(model.get("state", {}))):
            linked[model_id].add(other)
            linked.setdefault(other, set()).add(model_id)
    found, todo = set(), list(ids)
    while todo:
        model_id = todo.pop()
        if model_id not in found:
            found.add(model_id)
            todo.extend(linked.get(model_id, ()))
    return found


def keep_saved_widget_state(model: dict[str, Any], path: str, contents_manager: Any, **_) -> None:
    """Add to a notebook being saved the widget models it shows but no longer has state for."""
    notebook = model.get("content")
    if model.get("type") != "notebook" or not isinstance(notebook, dict):
        return
    state = saved_state(notebook)
    missing = shown_models(notebook) - state.keys()
    if not missing:
        return
    try:
        on_disk = json.loads(Path(contents_manager.root_dir, path).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # a new notebook, or not JSON: nothing to take state from
        return
    old = saved_state(on_disk)
    restored = {
        model_id: old[model_id]
        for model_id in connected_models(missing, old)
        if model_id in old and model_id not in state
    }
    if restored:
        widgets = notebook.setdefault("metadata", {}).setdefault("widgets", {})
        saved = widgets.setdefault(WIDGET_STATE, {"version_major": 2, "version_minor": 0})
        saved["state"] = state | restored


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "widget_state"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    serverapp.contents_manager.register_pre_save_hook(keep_saved_widget_state)
