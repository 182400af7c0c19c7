"""write_projector_files: files the Embedding Projector reads back as the same table and labels.

``_read_like_the_projector`` follows the Projector's own parsers (parseTensors and parseMetadata
in tensorboard/plugins/projector/vz_projector/data-provider.ts): blank lines are skipped, a
first metadata line holding a tab is a header, an empty field is a missing value.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from embedlib.projector import write_projector_files

LABELS = ["cat", "dog", "red", "is"]
GROUPS = ["animal", "animal", "colour", None]


def _read_like_the_projector(vectors: Path, metadata: Path) -> tuple[torch.Tensor, list[dict]]:
    rows = [line.strip().split("\t") for line in vectors.read_text().split("\n")]
    table = torch.tensor([[float(v) for v in row] for row in rows if row != [""]])
    lines = [line for line in metadata.read_text().split("\n") if line.strip()]
    columns = ["label"]
    if "\t" in lines[0]:
        columns, lines = lines[0].split("\t"), lines[1:]
    points = []
    for line in lines:
        values = line.split("\t")
        points.append({name: (values[i] or None) for i, name in enumerate(columns)})
    return table, points


def _table(rows: int = 4, dim: int = 3, dtype=torch.float32) -> torch.Tensor:
    generator = torch.Generator().manual_seed(0)
    return torch.randn(rows, dim, generator=generator, dtype=dtype)


def test_round_trip_with_groups(tmp_path):
    table = _table()
    vectors, metadata = write_projector_files(table, LABELS, tmp_path, groups=GROUPS)
    assert (vectors.name, metadata.name) == ("vectors.tsv", "metadata.tsv")
    read_back, points = _read_like_the_projector(vectors, metadata)
    assert torch.equal(read_back, table)
    assert points == [{"label": lb, "group": g} for lb, g in zip(LABELS, GROUPS, strict=True)]
    assert metadata.read_text().splitlines()[0] == "label\tgroup"


def test_one_column_has_no_header(tmp_path):
    _, metadata = write_projector_files(_table(), LABELS, tmp_path)
    assert metadata.read_text() == "cat\ndog\nred\nis\n"
    _, points = _read_like_the_projector(tmp_path / "vectors.tsv", metadata)
    assert [p["label"] for p in points] == LABELS


def test_extreme_values_are_exact_and_short(tmp_path):
    table = torch.tensor([[1e-30, -3.4e38, 0.1], [1.0, -0.0, 123456.789]])
    vectors, _ = write_projector_files(table, ["a", "b"], tmp_path)
    read_back, _ = _read_like_the_projector(vectors, tmp_path / "metadata.tsv")
    assert torch.equal(read_back, table)
    assert vectors.read_text().splitlines()[0] == "1e-30\t-3.4e+38\t0.1"  # shortest exact form


def test_float64_and_float16_tables(tmp_path):
    table64 = _table(dtype=torch.float64)
    vectors, _ = write_projector_files(table64, LABELS, tmp_path)
    rows = [[float(v) for v in line.split("\t")] for line in vectors.read_text().splitlines()]
    assert torch.equal(torch.tensor(rows, dtype=torch.float64), table64)
    table16 = _table().half()
    vectors, _ = write_projector_files(table16, LABELS, tmp_path, overwrite=True)
    read_back, _ = _read_like_the_projector(vectors, tmp_path / "metadata.tsv")
    assert torch.equal(read_back, table16.float())


def test_a_trained_parameter_can_be_passed_directly(tmp_path):
    embedding = torch.nn.Embedding(4, 3)
    vectors, _ = write_projector_files(embedding.weight, LABELS, tmp_path)
    read_back, _ = _read_like_the_projector(vectors, tmp_path / "metadata.tsv")
    assert torch.equal(read_back, embedding.weight.detach())


def test_existing_files_are_kept_unless_overwrite(tmp_path):
    (tmp_path / "metadata.tsv").write_text("my notes\n")
    with pytest.raises(FileExistsError, match=r"metadata.tsv already exists.*overwrite=True"):
        write_projector_files(_table(), LABELS, tmp_path)
    assert (tmp_path / "metadata.tsv").read_text() == "my notes\n"
    assert not (tmp_path / "vectors.tsv").exists()  # nothing written when refusing
    write_projector_files(_table(), LABELS, tmp_path, overwrite=True)
    assert (tmp_path / "metadata.tsv").read_text().splitlines() == LABELS


@pytest.mark.parametrize(
    ("weight", "labels", "groups", "error", "pattern"),
    [
        (_table(), LABELS[:3], None, ValueError, "labels has 3 entries but weight has 4"),
        (_table(), LABELS, GROUPS[:2], ValueError, "groups has 2 entries but weight has 4"),
        (_table(), "cat dog red is", None, TypeError, "labels must be a list or tuple"),
        (_table(), ["cat", "dog", 3, "is"], None, TypeError, r"labels\[2\] must be a string"),
        (_table(), ["cat", "d\tg", "red", "is"], None, ValueError, r"labels\[1\].*'\\t'"),
        (_table(), ["cat", "dog\n", "red", "is"], None, ValueError, r"labels\[1\].*'\\n'"),
        (_table(), ["cat", " ", "red", "is"], None, ValueError, r"labels\[1\] is blank"),
        (_table(), LABELS, ["a", "b\tc", "d", None], ValueError, r"groups\[1\].*'\\t'"),
        (torch.ones(4), LABELS, None, ValueError, r"weight must be 2-D.*\(4,\)"),
        (torch.ones(4, 1), LABELS, None, ValueError, "at least one row and 2 columns"),
        (
            torch.ones(4, 2, dtype=torch.int64),
            LABELS,
            None,
            TypeError,
            "must be a floating-point tensor",
        ),
        (torch.full((4, 2), float("nan")), LABELS, None, ValueError, "8 entries are nan"),
        (
            [[0.0, 1.0]] * 4,
            LABELS,
            None,
            TypeError,
            r"weight must be a torch.Tensor of shape \(num_embeddings, embedding_dim\), got list",
        ),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(
    tmp_path, weight, labels, groups, error, pattern
):
    with pytest.raises(error, match=pattern):
        write_projector_files(weight, labels, tmp_path, groups=groups)
    assert list(tmp_path.iterdir()) == []


def test_bad_directory_and_overwrite_are_refused(tmp_path):
    with pytest.raises(ValueError, match=r"is not an existing folder.*TemporaryDirectory"):
        write_projector_files(_table(), LABELS, tmp_path / "missing")
    with pytest.raises(TypeError, match="directory must be a path"):
        write_projector_files(_table(), LABELS, 42)
    with pytest.raises(TypeError, match="overwrite must be True or False"):
        write_projector_files(_table(), LABELS, tmp_path, overwrite="yes")
