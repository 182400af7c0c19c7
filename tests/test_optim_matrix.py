"""Tests for the optimizer x sparse matrix: every cell against a direct torch run."""

import warnings

import pytest
import torch

from embedlib.optim_matrix import _DEFAULT_SETTINGS, MatrixCell, optimizer_sparse_matrix

SCHEDULE = [[1, 2], [3], [3], [4]]


def direct_run(optimizer, sparse, kwargs):
    """Rows moved per step, or 'Type: message', from a plain torch loop with a full-table diff."""
    emb = torch.nn.Embedding(10, 4, sparse=sparse)
    opt = optimizer(emb.parameters(), **kwargs)
    moved = []
    try:
        for ids in SCHEDULE:
            opt.zero_grad()
            emb(torch.tensor(ids)).sum().backward()
            before = emb.weight.detach().clone()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                opt.step()
            moved.append(int((emb.weight.detach() != before).any(dim=1).sum()))
    except RuntimeError as error:
        return f"{type(error).__name__}: {error}"
    return tuple(moved)


@pytest.fixture(scope="module")
def matrix():
    return optimizer_sparse_matrix(SCHEDULE, num_embeddings=10, embedding_dim=4)


def test_every_cell_matches_a_direct_torch_run(matrix):
    assert len(matrix.cells) == 2 * len(_DEFAULT_SETTINGS)
    by_key = {(c.setting, c.sparse): c for c in matrix.cells}
    for label, optimizer, kwargs in _DEFAULT_SETTINGS:
        for sparse in (False, True):
            cell = by_key[(label, sparse)]
            expected = direct_run(optimizer, sparse, kwargs)
            if isinstance(expected, str):
                assert (cell.error, cell.verdict, cell.rows_moved) == (expected, "refused", ())
            else:
                assert (cell.error, cell.rows_moved) == (None, expected)


def test_verdicts_tell_the_three_behaviours_apart(matrix):
    verdict = {(c.setting, c.sparse): c.verdict for c in matrix.cells}
    assert verdict[("SGD", False)] == verdict[("SGD", True)] == "only batch rows"
    assert verdict[("SGD, momentum 0.9", True)] == "batch rows + rows seen earlier"
    assert verdict[("AdamW (decay 0.01)", False)] == "every row"
    assert verdict[("SparseAdam", True)] == "only batch rows"


def test_markdown_has_one_row_per_setting_and_shows_errors(matrix):
    text = matrix.to_markdown()
    lines = text.splitlines()
    assert len(lines) == 2 + len(_DEFAULT_SETTINGS)
    assert "refused: RuntimeError: RMSprop does not support sparse gradients" in text
    assert isinstance(matrix.cells[0], MatrixCell)


def test_settings_are_label_class_kwargs_triples():
    settings = [("Adagrad, slow", torch.optim.Adagrad, {"lr": 0.01, "lr_decay": 0.5})]
    matrix = optimizer_sparse_matrix([[1], [2]], settings, num_embeddings=3, embedding_dim=2)
    assert [(c.setting, c.sparse, c.verdict) for c in matrix.cells] == [
        ("Adagrad, slow", False, "only batch rows"),
        ("Adagrad, slow", True, "only batch rows"),
    ]
    with pytest.raises(TypeError, match=r"settings\[0\] must be a \(label, optimizer class"):
        optimizer_sparse_matrix(
            [[1]], [("SGD", torch.optim.SGD)], num_embeddings=3, embedding_dim=2
        )
    with pytest.raises(TypeError, match="settings must be a non-empty list"):
        optimizer_sparse_matrix([[1]], [], num_embeddings=3, embedding_dim=2)
    with pytest.raises(TypeError, match="'momentun'"):
        optimizer_sparse_matrix(
            [[1]], [("x", torch.optim.SGD, {"momentun": 0.9})], num_embeddings=3, embedding_dim=2
        )
