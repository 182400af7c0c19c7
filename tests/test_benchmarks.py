"""The live-update benchmark runs against the current widgets and times every control."""

import importlib.util
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_embedlib.py"


def test_live_benchmark_times_every_control_of_every_live_widget(capsys):
    spec = importlib.util.spec_from_file_location("bench_embedlib", BENCHMARK)
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    results = bench.bench_live_updates(repeats=1)  # one move per control: no timing claim
    assert list(results) == list(bench.WIDGETS)
    assert list(results["max_norm_explorer()"]) == ["max_norm", "norm_type"]
    assert list(results["step_through() default, 12 x 6"]) == [
        "optimizer", "sparse", "lr", "momentum", "weight_decay", "step",
    ]  # fmt: skip
    assert all(ms > 0 for moves in results.values() for ms in moves.values())
    printed = capsys.readouterr().out
    assert printed.count("worst") == len(bench.WIDGETS) and "target <= 50 ms" in printed
