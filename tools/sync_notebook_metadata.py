"""Keep JupyterLab's collapsed-cell metadata in step with the website's hide tags.

The website hides a cell tagged ``hide-cell`` (input and output), ``hide-input`` or
``hide-output`` behind a "click to show" toggle; JupyterLab ignores tags and collapses a cell
whose metadata says ``jupyter.source_hidden`` / ``jupyter.outputs_hidden`` (and, for outputs, the
older ``collapsed``, which Lab keeps equal to ``outputs_hidden``). This sets exactly those keys
from the tags, on every cell: outputs are marked hidden only where a code cell has outputs, and
keys that no tag asks for are removed. Only metadata changes, and a notebook already in step is
not rewritten.

    .venv/bin/python tools/sync_notebook_metadata.py chapters/*.ipynb
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HIDES_SOURCE = {"hide-cell", "hide-input"}
HIDES_OUTPUTS = {"hide-cell", "hide-output"}


def lab_metadata(cell: dict[str, Any]) -> dict[str, Any]:
    """The collapse keys JupyterLab should see for ``cell``, from its tags."""
    tags = set(cell["metadata"].get("tags", []))
    wanted: dict[str, Any] = {}
    if tags & HIDES_SOURCE:
        wanted["source_hidden"] = True
    if tags & HIDES_OUTPUTS and cell["cell_type"] == "code" and cell.get("outputs"):
        wanted["outputs_hidden"] = True
    return wanted


def sync_cell(cell: dict[str, Any]) -> None:
    """Set ``cell``'s collapse metadata from its tags; leave every other key as it is."""
    metadata = cell["metadata"]
    jupyter = {
        key: value
        for key, value in metadata.get("jupyter", {}).items()
        if key not in ("source_hidden", "outputs_hidden")
    } | lab_metadata(cell)
    if jupyter:
        metadata["jupyter"] = jupyter
    else:
        metadata.pop("jupyter", None)
    if jupyter.get("outputs_hidden"):
        metadata["collapsed"] = True
    else:
        metadata.pop("collapsed", None)


def sync_notebook(path: Path) -> bool:
    """Bring one notebook in step; return whether its file changed."""
    text = path.read_text(encoding="utf-8")
    notebook = json.loads(text)
    for cell in notebook["cells"]:
        sync_cell(cell)
    # nbformat's own layout, so that an unchanged notebook comes out byte for byte the same.
    synced = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if synced == text:
        return False
    path.write_text(synced, encoding="utf-8")
    return True


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    for name in paths:
        if sync_notebook(Path(name)):
            print(f"synced {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
