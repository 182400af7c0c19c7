"""Tests for embedlib.optim_matrix: every cell against a direct torch run written independently."""

import warnings

import pytest
import torch

from embedlib.optim_matrix import (
    MATRIX_SETTINGS,
    MatrixCell,
    matrix_markdown,
    optimizer_sparse_matrix,
)

SCHEDULE = [[1, 2], [3], [3], [4]]
TORCH_CLASSES = {
    "sgd": torch.optim.SGD,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sparse_adam": torch.optim.SparseAdam,
    "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop,
}


def direct_run(optimizer, sparse, kwargs):
    """Rows moved per step, or 'Type: message', from a plain torch loop with a full-table diff."""
    emb = torch.nn.Embedding(10, 4, sparse=sparse)
    try:
        opt = TORCH_CLASSES[optimizer](emb.parameters(), lr=0.1, **kwargs)
        moved = []
        for ids in SCHEDULE:
            opt.zero_grad()
            emb(torch.tensor(ids)).sum().backward()
            before = emb.weight.detach().clone()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                opt.step()
            moved.append(int((emb.weight.detach() != before).any(dim=1).sum()))
        return tuple(moved)
    except (RuntimeError, TypeError) as error:
        return f"{type(error).__name__}: {error}"


@pytest.fixture(scope="module")
def cells():
    return optimizer_sparse_matrix(SCHEDULE)


def test_every_cell_matches_a_direct_torch_run(cells):
    assert len(cells) == 2 * len(MATRIX_SETTINGS)
    by_key = {(c.setting, c.sparse): c for c in cells}
    for label, optimizer, kwargs in MATRIX_SETTINGS:
        for sparse in (False, True):
            cell = by_key[(label, sparse)]
            expected = direct_run(optimizer, sparse, kwargs)
            if isinstance(expected, str):
                assert (cell.error, cell.verdict, cell.rows_moved) == (expected, "refused", ())
            else:
                assert (cell.error, cell.rows_moved) == (None, expected)


def test_verdicts_tell_the_three_behaviours_apart(cells):
    verdict = {(c.setting, c.sparse): c.verdict for c in cells}
    assert verdict[("SGD", False)] == verdict[("SGD", True)] == "only batch rows"
    assert verdict[("SGD, momentum 0.9", True)] == "batch rows + rows seen earlier"
    assert verdict[("AdamW (decay 0.01)", False)] == "every row"
    assert verdict[("SparseAdam", True)] == "only batch rows"


def test_markdown_has_one_row_per_setting_and_shows_errors(cells):
    text = matrix_markdown(cells)
    lines = text.splitlines()
    assert len(lines) == 2 + len(MATRIX_SETTINGS)
    assert "refused: RuntimeError: RMSprop does not support sparse gradients" in text
    with pytest.raises(ValueError, match="cells is empty"):
        matrix_markdown([])
    with pytest.raises(TypeError, match="MatrixCell"):
        matrix_markdown(["SGD"])
    assert isinstance(cells[0], MatrixCell)
