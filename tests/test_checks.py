"""One validator per kind of argument, one wording per fault (issue 15).

Every public function that takes a table checks it with ``_checks.check_table``, and every count
with ``_checks.check_count``: the same fault gets the same message, whichever function meets it.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from embedlib import changed_rows, fit_pca, write_projector_files
from embedlib._checks import check_count, check_strings, check_table
from embedlib.norms import renorm_preview
from embedlib.plots import plot_projection, plot_weight_histogram

# Each takes a table as its first argument, named ``weight`` (``xy``, ``before``).
TAKES_A_TABLE = {
    "fit_pca": lambda w: fit_pca(w),
    "write_projector_files": lambda w: write_projector_files(w, ["a"] * 3, "."),
    "renorm_preview": lambda w: renorm_preview(w, torch.tensor([0]), max_norm=1.0),
    "changed_rows": lambda w: changed_rows(w, w),
    "plot_weight_histogram": lambda w: plot_weight_histogram(w),
    "plot_projection": lambda w: plot_projection(w, ["g"] * 3),
}


def _message(call, weight) -> tuple[type, str]:
    with pytest.raises((TypeError, ValueError)) as caught:
        call(weight)
    message = str(caught.value)
    return caught.type, message.replace("xy", "weight").replace("before", "weight")


@pytest.mark.parametrize(
    ("fault", "weight"),
    [
        ("1-D", torch.ones(3)),
        ("ints", torch.ones(3, 2, dtype=torch.long)),
        ("list", [[1.0, 2.0]] * 3),
        ("module", nn.Embedding(3, 2)),
        ("sparse", torch.ones(3, 2).to_sparse()),
    ],
)
def test_a_bad_table_is_worded_one_way_by_every_function(fault, weight):
    messages = {name: _message(call, weight) for name, call in TAKES_A_TABLE.items()}
    assert len(set(messages.values())) == 1, messages
    _error, message = next(iter(messages.values()))
    assert message.startswith("weight must be"), message
    assert "; " in message  # ... and the fix after it


def test_size_limits_name_the_shape_and_what_is_needed():
    with pytest.raises(ValueError, match=r"has shape \(0, 2\), but needs at least one row"):
        check_table(torch.zeros(0, 2))
    with pytest.raises(ValueError, match=r"needs at least 2 rows and 3 columns"):
        check_table(torch.zeros(1, 2), min_rows=2, min_cols=3)
    assert check_table(torch.zeros(2, 3), min_rows=2, min_cols=3).shape == (2, 3)


def test_finite_is_checked_only_when_asked_and_names_the_first_bad_entry():
    table = torch.tensor([[0.0, 1.0], [2.0, float("inf")], [float("nan"), 0.0]])
    assert check_table(table) is not table  # accepted (detached) without finite=True
    first_bad = r"2 entries are nan or inf \(the first at w\[1, 1\] = inf"
    with pytest.raises(ValueError, match=first_bad):
        check_table(table, "w", finite=True)


def test_the_returned_table_is_detached_and_shares_the_values():
    weight = nn.Embedding(3, 2).weight
    checked = check_table(weight)
    assert not checked.requires_grad and checked.data_ptr() == weight.data_ptr()


@pytest.mark.parametrize(
    ("value", "error", "pattern"),
    [
        (True, TypeError, r"n must be an int, got True \(bool\)"),
        (2.0, TypeError, r"got 2\.0 \(float\); pass a whole number such as 2"),
        ("x" * 100, TypeError, r"got 'x{56}\.\.\. \(str\)"),  # a long value is shortened
        (0, ValueError, r"n must be an int >= 1, got 0; pass 1 or more"),
        (11, ValueError, r"n must be at most 10, got 11; pass a smaller n"),
    ],
)
def test_counts_are_checked_one_way(value, error, pattern):
    with pytest.raises(error, match=pattern):
        check_count(value, "n", high=10)
    assert check_count(10, "n", high=10) == 10


def test_string_lists_name_the_entry_and_the_fix():
    assert check_strings(["a", None], "groups", allow_none=True) == ("a", None)
    with pytest.raises(TypeError, match=r"labels\[1\] must be a string, got NoneType None"):
        check_strings(["a", None], "labels")
    with pytest.raises(ValueError, match=r"labels\[0\] = 'a\\tb' contains '\\t'"):
        check_strings(["a\tb"], "labels", forbidden="\t")
