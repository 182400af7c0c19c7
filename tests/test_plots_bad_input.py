"""Bad input to a plot or widget is a TypeError or ValueError from embedlib naming the argument,
raised fast and without a big allocation: never a raw torch/Python error, a hang or gigabytes."""

import resource
import signal

import pytest
import torch

from embedlib.plots import (
    plot_lookup,
    plot_loss_curves,
    plot_row_norms,
    plot_scaling_with_dim,
    plot_scheme_grid,
    plot_update_trace,
    plot_weight_histogram,
)
from embedlib.widgets import (
    init_explorer,
    init_explorer_frames,
    max_norm_explorer,
    max_norm_frames,
    step_through,
    step_through_frames,
)

BIG = torch.zeros(1_000_000, 2)  # 8 MB: one bar, row or arrow per row would hang
CASES = [
    ("norms_before", lambda: plot_row_norms(BIG[:, 0])),
    ("norms_before", lambda: plot_row_norms(None)),
    ("max_norm", lambda: plot_row_norms([1.0], max_norm="x")),
    ("max_norm", lambda: plot_row_norms([1.0], max_norm=float("nan"))),
    ("looked_up", lambda: plot_row_norms([1.0], looked_up=torch.zeros(2, 2))),
    ("weight", lambda: plot_weight_histogram(torch.zeros(3, dtype=torch.long))),
    ("bins", lambda: plot_weight_histogram(BIG, bins=10**9)),
    ("bins", lambda: plot_weight_histogram(BIG, bins=2.5)),
    ("densities", lambda: plot_weight_histogram(BIG, densities=3.5)),
    ("weight", lambda: plot_weight_histogram(torch.full((2, 2), float("inf")))),
    ("ncols", lambda: plot_scheme_grid({"normal": torch.ones(2, 2)}, ncols="x")),
    ("dims", lambda: plot_scaling_with_dim(None, {"a": [1.0]})),
    ("series", lambda: plot_scaling_with_dim([4], None)),
    ("curves['a']", lambda: plot_loss_curves({"a": [None]})),
    ("table", lambda: plot_lookup(BIG[:, 0], torch.tensor([0]))),
    ("num_embeddings", lambda: plot_lookup(BIG, torch.tensor([0]))),
    ("ids", lambda: plot_lookup(BIG, torch.tensor([0.0]))),
    ("trace", lambda: plot_update_trace(None)),
    ("weight", lambda: max_norm_explorer("x")),
    ("num_embeddings", lambda: max_norm_explorer(BIG)),
    ("max_norms", lambda: max_norm_frames(max_norms=torch.ones(3))),
    ("schemes", lambda: init_explorer(schemes=BIG)),
    ("num_embeddings_options", lambda: init_explorer(num_embeddings_options=torch.ones(3))),
    ("bins", lambda: init_explorer(bins=0)),
    ("choices", lambda: init_explorer_frames(torch.ones(3))),
    ("settings", lambda: step_through_frames(torch.ones(3))),
    ("optimizer", lambda: step_through(optimizer="sgd")),
    ("num_embeddings", lambda: step_through(num_embeddings=10**9)),
]


def _timeout(*_):
    raise TimeoutError("took more than 10 s")


@pytest.mark.parametrize(
    ("argument", "call"), CASES, ids=[f"{a}-{i}" for i, (a, _) in enumerate(CASES)]
)
def test_bad_input_is_a_clear_error_naming_the_argument(argument, call):
    limit = resource.getrlimit(resource.RLIMIT_AS)
    in_use = int(open("/proc/self/statm").read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (in_use + (1 << 30), limit[1]))  # at most 1 GB more
    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(10)
    try:
        with pytest.raises((TypeError, ValueError)) as raised:
            call()
    finally:
        signal.alarm(0)
        resource.setrlimit(resource.RLIMIT_AS, limit)
    assert argument in str(raised.value)
    assert "embedlib" in raised.traceback[-1].path.as_posix()  # raised by embedlib, not torch
