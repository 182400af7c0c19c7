"""Apply each of issue 15's hand-made mutants, run the tests meant to kill it, then revert.

Run: .venv/bin/python tools/mutants.py   (needs a clean embedlib/ in git; restores every file)
Prints, per mutant, the replacement applied and the tests that failed (at least one must).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
PYTEST += ["-o", "addopts=", "--tb=no"]  # unit tests only: no doctests

MUTANTS = [
    (
        "off-by-one in trace_updates' id check (>= -> >)",
        "embedlib/diagnose.py",
        "n_out_of_range=int((values >= num_embeddings).sum())",
        "n_out_of_range=int((values > num_embeddings).sum())",
        ["tests/test_trace.py", "tests/test_diagnose.py"],
    ),
    (
        "NaN no longer counts as a change (the change test drops NaN -> inf)",
        "embedlib/norms.py",
        "moved = (after - before).abs().nan_to_num(nan=torch.inf)",
        "moved = (after - before).abs()",
        ["tests/test_trace.py", "tests/test_norms.py"],
    ),
    (
        "renorm_preview computes the L2 norm whatever norm_type says",
        "embedlib/norms.py",
        "torch.linalg.vector_norm(table, ord=p, dim=1)",
        "torch.linalg.vector_norm(table, ord=2, dim=1)",
        ["tests/test_norms.py"],
    ),
    (
        "scaled_normal's std is 1/sqrt(num_embeddings), not 1/sqrt(embedding_dim)",
        "embedlib/init.py",
        '("normal", 1.0 / math.sqrt(d))',
        '("normal", 1.0 / math.sqrt(n))',
        ["tests/test_init.py"],
    ),
]


def main() -> int:
    survivors = 0
    for title, path, old, new, tests in MUTANTS:
        file = ROOT / path
        source = file.read_text()
        count = source.count(old)
        if count == 0:
            print(f"{title}: pattern not found in {path}")
            return 2
        file.write_text(source.replace(old, new))
        try:
            run = subprocess.run(PYTEST + tests, cwd=ROOT, capture_output=True, text=True)
        finally:
            file.write_text(source)  # revert whatever happens
        failed = [
            line.split(" ")[1] for line in run.stdout.splitlines() if line.startswith("FAILED")
        ]
        summary = run.stdout.strip().splitlines()[-1]
        print(f"{title}\n  {path}: {old!r} -> {new!r} ({count}x)\n  {summary}")
        for test in failed:
            print(f"    killed by {test}")
        survivors += not failed
    return 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main())
