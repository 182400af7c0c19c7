"""Benchmarks for the tracing and step-through layers (prints numbers; not a test).

Run: .venv/bin/python benchmarks/bench_embedlib.py [--default-malloc] [--pairs N]
Targets: tracing <= 1.2x the bare optimizer loop at 100,000 x 64; one live update <= 50 ms at
1,000 x 16.

Page faults: a 100,000 x 64 table is 25.6 MB, and so is each dense gradient and optimizer
state. glibc hands such blocks back to the kernel or keeps them, by heuristics that depend on
everything allocated before; a run that gets fresh pages pays ~6,250 page faults per block, in
either loop. By default the benchmark pins glibc's thresholds (``mallopt``) so freed memory
stays in the heap and neither loop pays faults the other escaped; ``--default-malloc`` keeps
glibc's defaults. Faults per run are printed either way.
"""

from __future__ import annotations

import argparse
import ctypes
import resource
import statistics
import time
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import torch
from torch import nn

from embedlib.cost import median_seconds
from embedlib.trace import trace_updates
from embedlib.widgets.frames import render_png
from embedlib.widgets.step_through import step_through

TORCH = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # from glibc's <malloc.h>


def pin_malloc() -> None:
    """Keep freed blocks in glibc's heap: no trimming, no mmap below 32 MB (glibc's maximum)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError as error:  # not glibc (macOS, musl): nothing to pin
        raise RuntimeError(f"no glibc here ({error}); rerun with --default-malloc") from error
    if not (libc.mallopt(M_MMAP_THRESHOLD, 32 << 20) and libc.mallopt(M_TRIM_THRESHOLD, 1 << 30)):
        raise RuntimeError("mallopt refused the thresholds; rerun with --default-malloc")


def bare_loop(schedule, num_embeddings, dim, optimizer, sparse, **kwargs) -> torch.Tensor:
    """The same work trace_updates does, minus the recording; returns the final table."""
    generator = torch.Generator().manual_seed(0)
    initial = torch.randn(num_embeddings, dim, generator=generator)
    emb = nn.Embedding.from_pretrained(initial.clone(), freeze=False, sparse=sparse)
    opt = TORCH[optimizer]([emb.weight], lr=0.1, **kwargs)
    for ids in schedule:
        opt.zero_grad()
        emb(ids).sum().backward()
        opt.step()
    return emb.weight.detach()


def timed(run: Callable[[], object]) -> tuple[float, int]:
    """Wall seconds and minor page faults of one call."""
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    return seconds, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults


def bench_tracing(
    num_embeddings: int = 100_000, dim: int = 64, steps: int = 20, batch: int = 512, pairs: int = 21
) -> None:
    generator = torch.Generator().manual_seed(1)
    schedule = [torch.randint(num_embeddings, (batch,), generator=generator) for _ in range(steps)]
    print(f"tracing overhead at {num_embeddings:,} x {dim}, {steps} steps of {batch} ids "
          f"(target <= 1.2x)")  # fmt: skip
    print(f"  bare and traced runs interleaved, {pairs} pairs, alternating which runs first;")
    print("  both include building the table; ratio = median over pairs of traced / bare,")
    print("  with the quartiles of those ratios; best-of = fastest traced / fastest bare;")
    print("  faults = median minor page faults per run, bare / traced")
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
        bare_runs, traced_runs = [], []
        for i in range(pairs):  # each pair runs back to back, so both see the same load
            runs = ((bare, bare_runs), (traced, traced_runs))
            for run, results in runs if i % 2 == 0 else runs[::-1]:
                results.append(timed(run))
        ratios = [t[0] / b[0] for t, b in zip(traced_runs, bare_runs, strict=True)]
        q1, ratio, q3 = statistics.quantiles(ratios, n=4)
        b, t = (statistics.median(s for s, _ in runs) for runs in (bare_runs, traced_runs))
        fb, ft = (statistics.median(f for _, f in runs) for runs in (bare_runs, traced_runs))
        name = f"{optimizer}{' sparse' if sparse else ''} {kwargs or ''}"
        spread = f"[{q1:4.2f}, {q3:4.2f}]"
        best = min(s for s, _ in traced_runs) / min(s for s, _ in bare_runs)
        print(f"  {name:<24} bare {b * 1e3:6.1f} ms  traced {t * 1e3:6.1f} ms  "
              f"ratio {ratio:4.2f}x {spread}  best-of {best:4.2f}x  "
              f"faults {fb:,.0f} / {ft:,.0f}")  # fmt: skip


def bench_live_update(num_embeddings: int = 1_000, dim: int = 16) -> None:
    view = step_through(num_embeddings=num_embeddings, embedding_dim=dim)
    lr = next(c for c in view.controls if c.description == "lr")
    values = iter([0.1 + 0.01 * i for i in range(1, 100)])
    full = median_seconds(lambda: setattr(lr, "value", next(values)), repeats=9)
    compute = median_seconds(
        lambda: trace_updates(
            [[1, 2], [3], [3], [4], [5, 1], [3]], torch.optim.SGD, num_embeddings=num_embeddings,
            embedding_dim=dim, lr=0.1,
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--default-malloc", action="store_true", help="keep glibc's thresholds")
    parser.add_argument("--pairs", type=int, default=21, help="bare/traced pairs per case")
    args = parser.parse_args()
    if not args.default_malloc:
        pin_malloc()
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"malloc {'glibc defaults' if args.default_malloc else 'pinned'}")  # fmt: skip
    bench_tracing(pairs=args.pairs)
    bench_live_update()
