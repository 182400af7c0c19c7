"""Export a table for the TensorFlow Embedding Projector (https://projector.tensorflow.org).

The Projector's "Load" dialog takes two tab-separated files:

* ``vectors.tsv``: one row of the table per line, its values separated by tabs, no header;
* ``metadata.tsv``: one line per row of the table, in the same order. With a single column
  (the labels) there is no header line; with more columns the first line holds the column names.

The Projector reads a line that is blank as no line at all, a first line containing a tab as a
header, and a vector with a single value as an error; so labels must be non-blank and free of
tabs and line breaks, and the table needs at least two columns. Values are written with the
fewest digits that read back to exactly the same float32 (or float64) number.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from embedlib._checks import check_strings, check_table

__all__ = ["write_projector_files"]

_FORBIDDEN = "\t\n\r"


def _format_rows(weight: torch.Tensor) -> str:
    """The table as TSV lines, each value in its shortest decimal form that reads back exactly."""
    dtype = np.float64 if weight.dtype == torch.float64 else np.float32  # float16 fits float32
    array = weight.cpu().to(torch.float64 if dtype is np.float64 else torch.float32).numpy()
    return "".join("\t".join(str(value) for value in row) + "\n" for row in array)


def _writable_paths(directory: object, overwrite: object) -> tuple[Path, Path]:
    """The two file paths in ``directory``, refusing to replace files unless ``overwrite``."""
    if not isinstance(overwrite, bool):
        raise TypeError(f"overwrite must be True or False, got {type(overwrite).__name__}")
    if not isinstance(directory, str | os.PathLike):
        raise TypeError(
            f"directory must be a path (str or pathlib.Path), got {type(directory).__name__}"
        )
    folder = Path(directory)
    if not folder.is_dir():
        raise ValueError(
            f"directory {str(folder)!r} is not an existing folder; create it first, for example "
            "with tempfile.TemporaryDirectory()"
        )
    vectors_path, metadata_path = folder / "vectors.tsv", folder / "metadata.tsv"
    for path in (vectors_path, metadata_path):
        if path.exists() and not overwrite:
            raise FileExistsError(
                f"{path} already exists and may hold someone's work; pass overwrite=True to "
                "replace it, or write into another folder"
            )
    return vectors_path, metadata_path


def write_projector_files(
    weight: torch.Tensor,
    labels: Sequence[str],
    directory: str | os.PathLike[str],
    *,
    groups: Sequence[str | None] | None = None,
    overwrite: bool = False,
) -> tuple[Path, Path]:
    """Write ``vectors.tsv`` and ``metadata.tsv`` into ``directory``; return their paths.

    ``labels`` gives one name per row. With ``groups`` (one group name per row, None for a row
    with no group), ``metadata.tsv`` has two columns, ``label`` and ``group``, so the Projector
    can colour points by group. Existing files are not replaced unless ``overwrite=True``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     vectors, metadata = write_projector_files(
    ...         torch.tensor([[0.5, -1.0], [0.1, 2.0]]), ["cat", "red"], folder,
    ...         groups=["animal", "colour"])
    ...     vectors.read_text(), metadata.read_text()
    ('0.5\\t-1.0\\n0.1\\t2.0\\n', 'label\\tgroup\\ncat\\tanimal\\nred\\tcolour\\n')
    >>> write_projector_files(torch.zeros(3, 2), ["a", "b"], ".")
    Traceback (most recent call last):
    ...
    ValueError: labels has 2 entries but weight has 3; give exactly one entry per row of weight
    """
    weight = check_table(weight, "weight", min_cols=2, finite=True)
    rows = weight.shape[0]
    labels = check_strings(labels, "labels", count=rows, count_of="weight", forbidden=_FORBIDDEN)
    if groups is not None:
        groups = check_strings(
            groups, "groups", count=rows, count_of="weight", allow_none=True, forbidden=_FORBIDDEN
        )
    vectors_path, metadata_path = _writable_paths(directory, overwrite)
    if groups is None:
        metadata = "".join(f"{label}\n" for label in labels)
    else:
        metadata = "label\tgroup\n" + "".join(
            f"{label}\t{'' if group is None else group}\n"
            for label, group in zip(labels, groups, strict=True)
        )
    vectors_path.write_text(_format_rows(weight), encoding="utf-8", newline="\n")
    metadata_path.write_text(metadata, encoding="utf-8", newline="\n")
    return vectors_path, metadata_path
