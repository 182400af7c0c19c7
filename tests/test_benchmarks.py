"""The tracing benchmark runs against the current embedlib and times the same work as the trace."""

import importlib.util
import sys
from pathlib import Path

import pytest
import torch

from embedlib.trace import trace_updates

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_embedlib.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_embedlib", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_tracing_benchmark_prints_a_ratio_and_faults_for_every_case(bench, capsys):
    bench.bench_tracing(num_embeddings=300, dim=4, steps=3, batch=16, pairs=2)  # tiny: no timing
    lines = capsys.readouterr().out.splitlines()
    cases = [line for line in lines if "ratio" in line and "best-of" in line and "faults" in line]
    names = [line.split(" bare ")[0].strip() for line in cases]
    assert names == ["sgd", "sgd sparse", "sgd {'momentum': 0.9}", "adam"]


@pytest.mark.parametrize(
    ("optimizer", "sparse", "kwargs"),
    [("sgd", False, {}), ("sgd", True, {}), ("sgd", False, {"momentum": 0.9}), ("adam", False, {})],
)
def test_the_bare_loop_makes_the_same_updates_as_the_trace(bench, optimizer, sparse, kwargs):
    schedule = [torch.tensor([1, 2, 2]), torch.tensor([[0, 4], [4, 1]]), torch.tensor([3])]
    bare_table = bench.bare_loop(schedule, 6, 3, optimizer, sparse, **kwargs)
    trace = trace_updates(
        schedule, num_embeddings=6, embedding_dim=3, optimizer=optimizer, sparse=sparse, **kwargs
    )
    assert torch.equal(bare_table, trace.steps[-1].weight)
