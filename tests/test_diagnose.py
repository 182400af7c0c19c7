"""Tests for embedlib.diagnose: the report must agree with what nn.Embedding really does."""

import dataclasses

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from embedlib.diagnose import IdReport, check_ids, explain_ids


def embedding_accepts(ids: object, num_embeddings: int) -> bool:
    """The oracle: does a real nn.Embedding lookup with these ids succeed?"""
    try:
        nn.Embedding(num_embeddings, 2)(ids)
    except (IndexError, RuntimeError, TypeError):
        return False
    return True


def test_valid_ids_are_ok_and_summarised():
    ids = torch.tensor([[0, 3, 3], [1, 2, 0]])
    report = explain_ids(ids, 4)
    assert report.ok and report.problems == ()
    assert report.shape == (2, 3) and report.numel == 6
    assert (report.min_id, report.max_id, report.needed_num_embeddings) == (0, 3, 4)
    assert report.dtype == torch.int64 and report.device == "cpu"
    assert "OK" in str(report) and str(report) == report.summary()
    assert embedding_accepts(ids, 4)


def test_report_is_frozen():
    report = explain_ids(torch.tensor([1]), 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.max_id = 5  # type: ignore[misc]


def test_too_large_ids_name_the_largest_id_and_the_needed_size():
    ids = torch.tensor([0, 4, 9, 9])
    report = explain_ids(ids, 5)
    assert not report.ok and not embedding_accepts(ids, 5)
    assert report.n_out_of_range == 2 and report.n_negative == 0
    assert report.max_id == 9 and report.needed_num_embeddings == 10
    (problem,) = report.problems
    assert "largest id 9" in problem and "max_id + 1 = 10" in problem and "padding" in problem
    assert "1 problem(s)" in report.summary() and problem in report.summary()


def test_vocabulary_that_forgot_its_unknown_token():
    vocab = {"the": 0, "cat": 1, "sat": 2}
    unk_id = len(vocab)  # the unknown token got an id, but the table was sized len(vocab)
    ids = torch.tensor([vocab.get(word, unk_id) for word in ["the", "dog", "sat"]])
    report = explain_ids(ids, nn.Embedding(len(vocab), 4))
    assert report.num_embeddings == 3 and report.needed_num_embeddings == 4
    assert explain_ids(ids, nn.Embedding(report.needed_num_embeddings, 4)).ok


def test_negative_ids_are_reported_not_python_indexed():
    ids = torch.tensor([0, -1, 2])
    report = explain_ids(ids, 5)
    assert report.n_negative == 1 and report.min_id == -1 and report.n_out_of_range == 0
    assert "negative" in report.problems[0] and "-1 is not the last row" in report.problems[0]
    assert not embedding_accepts(ids, 5)


@pytest.mark.parametrize("dtype", [torch.int16, torch.int8, torch.uint8])
def test_small_integer_dtypes_suggest_long(dtype):
    ids = torch.tensor([1, 2], dtype=dtype)
    report = explain_ids(ids, 5)
    assert not embedding_accepts(ids, 5)
    assert report.dtype == dtype and ".long()" in report.problems[0]
    assert embedding_accepts(ids.long(), 5)


def test_int32_is_accepted_like_torch_does():
    ids = torch.tensor([1, 2], dtype=torch.int32)
    assert explain_ids(ids, 5).ok and embedding_accepts(ids, 5)


def test_whole_float_ids_can_be_cast():
    ids = torch.tensor([1.0, 4.0])
    report = explain_ids(ids, 5)
    assert not embedding_accepts(ids, 5)
    assert report.max_id == 4.0 and report.needed_num_embeddings == 5
    assert "whole number" in report.problems[0] and "ids.long() is safe" in report.problems[0]
    assert explain_ids(ids.long(), 5).ok


def test_float32_ids_print_short():
    report = explain_ids(torch.tensor([2.3, 6.1]), 10)
    assert "min 2.3, max 6.1 ->" in report.summary() and report.needed_num_embeddings == 7


def test_fractional_float_ids_warn_against_truncation():
    report = explain_ids(torch.tensor([0.5, 2.0]), 5)
    assert "not all whole numbers" in report.problems[0] and "truncate" in report.problems[0]
    nan_report = explain_ids(torch.tensor([float("nan"), 1.0]), 5)
    assert "not all whole numbers" in nan_report.problems[0]
    inf_report = explain_ids(torch.tensor([float("inf")]), 5)
    assert inf_report.needed_num_embeddings is None and inf_report.n_out_of_range == 1
    assert "inf, which no table is" in inf_report.problems[1]


def test_bool_ids_look_like_a_mask():
    report = explain_ids(torch.tensor([True, False]), 5)
    assert not report.ok and "mask" in report.problems[0]


def test_python_list_is_reported_and_the_fix_works():
    ids = [[1, 2], [3, 4]]
    report = explain_ids(ids, 5)
    assert not embedding_accepts(ids, 5)
    assert report.input_type == "list" and report.shape == (2, 2)
    assert len(report.problems) == 1 and "torch.tensor(ids, dtype=torch.long)" in report.problems[0]
    assert embedding_accepts(torch.tensor(ids, dtype=torch.long), 5)


def test_list_of_fractional_floats_reports_both_problems():
    report = explain_ids([0.5, 1.0], 5)
    assert len(report.problems) == 2 and "truncate" in report.problems[1]


def test_numpy_array_is_reported_as_not_a_tensor():
    ids = np.array([1, 7])
    report = explain_ids(ids, 5)
    assert report.input_type == "numpy.ndarray" and not embedding_accepts(ids, 5)
    assert len(report.problems) == 2 and report.n_out_of_range == 1


def test_all_problems_at_once():
    report = explain_ids(torch.tensor([-2.0, 8.0, 1.0]), 5)
    assert len(report.problems) == 3
    assert (report.n_negative, report.n_out_of_range) == (1, 1)


def test_empty_ids_are_fine():
    ids = torch.tensor([], dtype=torch.long)
    report = explain_ids(ids, 5)
    assert report.ok and report.numel == 0 and report.max_id is None
    assert report.needed_num_embeddings is None and "no ids" in report.summary()
    assert embedding_accepts(ids, 5)


def test_embedding_bag_and_device_mismatch():
    assert explain_ids(torch.tensor([[1, 2]]), nn.EmbeddingBag(3, 2)).num_embeddings == 3
    table_on_meta = nn.Embedding(5, 2, device="meta")
    report = explain_ids(torch.tensor([1]), table_on_meta)
    assert "ids are on cpu but the table is on meta" in report.problems[0]


@pytest.mark.parametrize(
    ("ids", "match"),
    [
        ("the cat", "got text \\(str\\): map each token to its id"),
        (["the", "cat"], "got text \\(list\\)"),
        ({"a": 1}, "ids must be a tensor or a \\(nested, rectangular\\) list"),
        (None, "got NoneType"),
        ([[1, 2], [3]], "pad ragged lists"),
        (torch.tensor([1j]), "complex dtype"),
        (torch.tensor([[0, 1]]).to_sparse(), "dense tensor"),
    ],
)
def test_not_id_like_raises_type_error(ids, match):
    with pytest.raises(TypeError, match=match):
        explain_ids(ids, 5)


@pytest.mark.parametrize(
    ("table", "error", "match"),
    [
        ("5", TypeError, "must be an nn.Embedding, an nn.EmbeddingBag or an int"),
        (True, TypeError, "got bool"),
        (nn.Linear(2, 2), TypeError, "got Linear"),
        (0, ValueError, "num_embeddings must be an int >= 1, got 0"),
        (-3, ValueError, "num_embeddings must be an int >= 1, got -3"),
    ],
)
def test_bad_table_raises(table, error, match):
    with pytest.raises(error, match=match):
        explain_ids(torch.tensor([1]), table)


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(st.integers(-3, 12), max_size=8),
    num_embeddings=st.integers(1, 10),
    dtype=st.sampled_from([torch.int64, torch.int32, torch.int16, torch.float32]),
)
def test_ok_agrees_with_nn_embedding(values, num_embeddings, dtype):
    ids = torch.tensor(values, dtype=dtype)
    report = explain_ids(ids, num_embeddings)
    assert isinstance(report, IdReport)
    assert report.ok == embedding_accepts(ids, num_embeddings)
    assert report.n_negative == sum(v < 0 for v in values)
    assert report.n_out_of_range == sum(v >= num_embeddings for v in values)


@settings(max_examples=50, deadline=None)
@given(values=st.lists(st.integers(0, 20), min_size=1, max_size=8))
def test_needed_num_embeddings_is_the_smallest_table_that_works(values):
    ids = torch.tensor(values)
    needed = explain_ids(ids, 1).needed_num_embeddings
    assert embedding_accepts(ids, needed)
    assert needed == 1 or not embedding_accepts(ids, needed - 1)


def test_check_ids_accepts_long_and_int32_and_empty_ids():
    for dtype in (torch.long, torch.int32):
        ids = torch.tensor([0, 9], dtype=dtype)
        assert check_ids(ids, 10) is ids
    assert check_ids(torch.tensor([], dtype=torch.long), 3).numel() == 0


@pytest.mark.parametrize(
    ("ids", "error", "message"),
    [
        ([1, 2], TypeError, r"ids are of type list.*torch\.tensor\(ids, dtype=torch\.long\)"),
        (torch.tensor([1.0]), TypeError, r"ids have dtype torch\.float32.*ids\.long\(\) is safe"),
        (torch.tensor([0.5]), TypeError, r"not all whole numbers.*truncate"),
        (torch.tensor([1], dtype=torch.int16), TypeError, r"torch\.int16.*ids\.long\(\)"),
        (torch.tensor([1], dtype=torch.uint8), TypeError, r"dtype torch\.uint8"),
        (torch.tensor([True]), TypeError, r"dtype torch\.bool.*mask"),
        (torch.tensor([3, -1]), ValueError, r"negative \(smallest id -1\).*-1 is not the last row"),
        (
            torch.tensor([[3, 12], [10, 0]]),
            ValueError,
            r"2 id\(s\) are >= num_embeddings=10 "
            r"\(largest id 12\).*max_id \+ 1 = 13",
        ),
        ("3 4", TypeError, "got text"),
        (None, TypeError, "got NoneType"),
    ],
)
def test_check_ids_raises_explain_ids_first_problem(ids, error, message):
    with pytest.raises(error, match=message):
        check_ids(ids, 10)
    if isinstance(ids, torch.Tensor):  # the same sentence explain_ids reports
        with pytest.raises(error) as raised:
            check_ids(ids, 10)
        assert str(raised.value) == explain_ids(ids, 10).problems[0]


def test_check_ids_names_the_argument_it_was_given():
    with pytest.raises(ValueError, match=r"1 id\(s\) in batch\[2\] are >= num_embeddings=4"):
        check_ids(torch.tensor([4]), 4, name="batch[2]")
    with pytest.raises(TypeError, match=r"batch\[2\] have dtype torch\.int16"):
        check_ids(torch.tensor([1], dtype=torch.int16), 4, name="batch[2]")


@pytest.mark.parametrize(
    ("num_embeddings", "error", "match"),
    [
        (0, ValueError, "num_embeddings must be an int >= 1, got 0"),
        (2.0, TypeError, "num_embeddings must be an int, got 2.0"),
        (nn.Embedding(3, 2), TypeError, "pass embedding.num_embeddings"),
    ],
)
def test_check_ids_checks_the_table_size(num_embeddings, error, match):
    with pytest.raises(error, match=match):
        check_ids(torch.tensor([1]), num_embeddings)


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(st.integers(-3, 12), max_size=8),
    num_embeddings=st.integers(1, 10),
    dtype=st.sampled_from([torch.int64, torch.int32, torch.int16, torch.uint8, torch.float32]),
)
def test_check_ids_passes_exactly_what_nn_embedding_accepts(values, num_embeddings, dtype):
    if dtype == torch.uint8:
        values = [abs(v) for v in values]
    ids = torch.tensor(values, dtype=dtype)
    try:
        check_ids(ids, num_embeddings)
    except (TypeError, ValueError):
        accepted = False
    else:
        accepted = True
    assert accepted == embedding_accepts(ids, num_embeddings)
