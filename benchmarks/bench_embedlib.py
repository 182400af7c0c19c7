"""Benchmark: how long a live widget takes to answer a control (prints numbers; not a test).

Run: .venv/bin/python benchmarks/bench_embedlib.py [--repeats N]
Target: every live update <= 50 ms, from the control's new value to the new frame (recompute,
redraw the changed artists, encode the PNG, build the <img> HTML), for the chapters' widgets.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets
import torch

from embedlib.widgets import init_explorer, max_norm_explorer, step_through
from embedlib.widgets.live import LiveFigure

TARGET_MS = 50.0
WIDGETS: dict[str, Callable[[], LiveFigure]] = {
    "max_norm_explorer()": max_norm_explorer,
    "init_explorer()": init_explorer,
    "step_through(4 steps, 10 x 4)": lambda: step_through(
        [[1, 2], [3], [3], [4]], num_embeddings=10, embedding_dim=4
    ),
    "step_through() default, 12 x 6": step_through,
}


def _values(control: widgets.ValueWidget) -> itertools.cycle:
    """The values a reader moves a control through: every option, or slider positions."""
    if isinstance(control, widgets.Checkbox):
        return itertools.cycle([True, False])
    if hasattr(control, "options"):
        return itertools.cycle([value for _, value in control.options] if isinstance(
            control.options[0], tuple) else list(control.options))  # fmt: skip
    lo, hi = control.min, control.max
    steps = [lo + (hi - lo) * k / 6 for k in range(1, 7)]
    return itertools.cycle([type(control.value)(v) for v in steps])


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    """Median wall time per call, after one warm-up call (first-call costs are not measured)."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _median_cpu_ms(run: Callable[[], object], repeats: int) -> float:
    """Median CPU time of this process per call (all threads): less sensitive to other load."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1e3


def bench_live_updates(repeats: int = 9) -> dict[str, dict[str, float]]:
    """Median milliseconds per control move, for every control of every live widget; prints."""
    print(f"live widget updates, median of {repeats} moves per control (target <= {TARGET_MS:g} "
          f"ms); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    print("  wall: what a reader waits; CPU: this process's own time (less sensitive to load)")
    results: dict[str, dict[str, float]] = {}
    cpu: dict[str, dict[str, float]] = {}
    for name, make in WIDGETS.items():
        live = make()
        results[name], cpu[name] = {}, {}
        for label, control in live.controls.items():
            values = _values(control)
            move = lambda c=control, v=values: setattr(c, "value", next(v))  # noqa: E731
            results[name][label] = median_seconds(move, repeats=repeats) * 1e3
            cpu[name][label] = _median_cpu_ms(move, repeats)
        worst = max(results[name], key=results[name].get)
        moves = "  ".join(f"{k} {v:.0f}/{cpu[name][k]:.0f}" for k, v in results[name].items())
        print(f"  {name:<32} worst {results[name][worst]:5.1f} ms wall, "
              f"{max(cpu[name].values()):5.1f} ms CPU")  # fmt: skip
        print(f"    per control, ms wall/CPU: {moves}")
        render = median_seconds(live.renderer.render, repeats=repeats) * 1e3
        print(f"    of which redraw + PNG of an unchanged frame: {render:.1f} ms; "
              f"full draws so far: {live.renderer.full_draws}")  # fmt: skip
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="moves per control")
    args = parser.parse_args()
    torch.set_num_threads(1)  # as chapters 04 and 06 do in their setup cells
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread")
    bench_live_updates(args.repeats)
