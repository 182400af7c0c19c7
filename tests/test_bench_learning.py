"""The explorer benchmark runs the chapter's own training code and prints all its figures."""

import importlib.util
import re
import sys
from pathlib import Path

import pytest
import torch

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_learning.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_learning", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_chapters_training_code_is_found_and_trains(bench):
    threads = torch.get_num_threads()
    try:
        namespace = bench.chapter_namespace()
    finally:
        torch.set_num_threads(threads)
    for name in ("prefix_mean", "TinyLM", "next_word_loss", "train"):
        assert callable(namespace[name]), name
    model, losses, checkpoints = namespace["train"](namespace["ids"], steps=20)
    assert model.head.weight is model.emb.weight  # the chapter's tied model
    assert len(losses) == 20 and list(checkpoints) == [0, 10, 20]


def test_the_benchmark_prints_every_figure(bench, capsys):
    threads = torch.get_num_threads()
    try:
        bench.main()  # its exit code reports the timing budget: not asserted in a test
    finally:
        torch.set_num_threads(threads)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    assert all(re.search(r"\d+\.\d+ (s|ms)", line) for line in lines), lines
