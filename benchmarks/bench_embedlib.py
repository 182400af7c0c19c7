"""Benchmarks for the tracing and step-through layers (prints numbers; not a test).

Run: .venv/bin/python benchmarks/bench_embedlib.py
Targets: tracing <= 1.2x the bare optimizer loop at 100,000 x 64; one live update <= 50 ms at
1,000 x 16.
"""

from __future__ import annotations

import statistics
import time

import matplotlib

matplotlib.use("Agg")

import torch
from torch import nn

from embedlib.cost import median_seconds
from embedlib.trace import trace_updates
from embedlib.widgets.frames import render_png
from embedlib.widgets.step_through import step_through

TORCH = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}


def bare_loop(schedule, num_embeddings, dim, optimizer, sparse, **kwargs) -> None:
    """The same work trace_updates does, minus the recording."""
    generator = torch.Generator().manual_seed(0)
    initial = torch.randn(num_embeddings, dim, generator=generator)
    emb = nn.Embedding.from_pretrained(initial.clone(), freeze=False, sparse=sparse)
    opt = TORCH[optimizer]([emb.weight], lr=0.1, **kwargs)
    for ids in schedule:
        opt.zero_grad()
        emb(ids).sum().backward()
        opt.step()


def bench_tracing(
    num_embeddings: int = 100_000, dim: int = 64, steps: int = 20, batch: int = 512, pairs: int = 15
):
    generator = torch.Generator().manual_seed(1)
    schedule = [torch.randint(num_embeddings, (batch,), generator=generator) for _ in range(steps)]
    print(f"tracing overhead at {num_embeddings:,} x {dim}, {steps} steps of {batch} ids")
    print(f"  (bare and traced runs interleaved, {pairs} pairs; both include building the table;")
    print("   on a busy machine trust the median pair ratio: each pair ran back to back)")
    cases = [
        ("sgd", False, {}),
        ("sgd", True, {}),
        ("sgd", False, {"momentum": 0.9}),
        ("adam", False, {}),
    ]
    for optimizer, sparse, kwargs in cases:

        def bare(o=optimizer, s=sparse, k=kwargs):
            bare_loop(schedule, num_embeddings, dim, o, s, **k)

        def traced(o=optimizer, s=sparse, k=kwargs):
            trace_updates(schedule, num_embeddings=num_embeddings, embedding_dim=dim, optimizer=o,
                          sparse=s, **k)  # fmt: skip

        bare(), traced()  # warm-up
        bare_times, traced_times = [], []
        for i in range(pairs):  # interleaved, alternating which runs first: both see the same load
            runs = ((bare, bare_times), (traced, traced_times))
            for run, times in runs if i % 2 == 0 else runs[::-1]:
                start = time.perf_counter()
                run()
                times.append(time.perf_counter() - start)
        b, t = statistics.median(bare_times), statistics.median(traced_times)
        pair_ratio = statistics.median(x / y for x, y in zip(traced_times, bare_times, strict=True))
        best = min(traced_times) / min(bare_times)
        name = f"{optimizer}{' sparse' if sparse else ''} {kwargs or ''}"
        print(f"  {name:<28} bare {b * 1e3:7.1f} ms  traced {t * 1e3:7.1f} ms  "
              f"ratio of medians {t / b:4.2f}x  median pair ratio {pair_ratio:4.2f}x  "
              f"best-of {best:4.2f}x")  # fmt: skip


def bench_live_update(num_embeddings: int = 1_000, dim: int = 16) -> None:
    view = step_through(num_embeddings=num_embeddings, embedding_dim=dim)
    lr = next(c for c in view.controls if c.description == "lr")
    values = iter([0.1 + 0.01 * i for i in range(1, 100)])
    full = median_seconds(lambda: setattr(lr, "value", next(values)), repeats=9)
    compute = median_seconds(
        lambda: trace_updates(
            [[1, 2], [3], [3], [4], [5, 1], [3]], num_embeddings=num_embeddings,
            embedding_dim=dim, record_weights=True,
        ),
        repeats=9,
    )  # fmt: skip
    step = next(c for c in view.controls if c.description == "step")
    steps = iter([i % (step.max + 1) for i in range(1, 100)])
    step_move = median_seconds(lambda: setattr(step, "value", next(steps)), repeats=9)
    optimizer = next(c for c in view.controls if c.description == "optimizer")
    names = iter(["adam", "sgd"] * 50)
    relayout = median_seconds(lambda: setattr(optimizer, "value", next(names)), repeats=9)
    render = median_seconds(lambda: render_png(view.fig), repeats=9)
    print(f"live step_through update at {num_embeddings:,} x {dim} (target <= 50 ms):")
    print(f"  lr slider moved (compute + blitted PNG)            {full * 1e3:6.1f} ms")
    print(f"  step slider moved (compute + blitted PNG)          {step_move * 1e3:6.1f} ms")
    print(f"  optimizer changed (compute + PNG, same layout)     {relayout * 1e3:6.1f} ms")
    print(f"  compute only (trace_updates)                       {compute * 1e3:6.1f} ms")
    print(f"  one full PNG render, for comparison (savefig)      {render * 1e3:6.1f} ms")
    print(f"  full draws so far in the live view: {view.renderer.full_draws}")


if __name__ == "__main__":
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    bench_tracing()
    bench_live_update()
