"""Print how fast the widgets of "What the table learns" respond (targets: a step <= 50 ms).

The chapter's own model and training loop are taken from the notebook (its cells that define
``prefix_mean``, ``TinyLM``, ``next_word_loss`` and ``train``), so this measures what a reader runs.

    .venv/bin/python benchmarks/bench_learning.py
"""

from __future__ import annotations

import ast
import math
import statistics
import sys
import time
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import torch
import torch.nn.functional as F
from torch import nn

from embedlib import make_corpus
from embedlib.widgets import projection_explorer, projection_player

CHAPTER = Path(__file__).resolve().parent.parent / "chapters/06_what_the_table_learns.ipynb"
DEFINITIONS = ("def prefix_mean", "def next_word_loss", "def train")
DEFINITION_NODES = (ast.FunctionDef, ast.ClassDef)
SCRUB_BUDGET_MS = 50.0


def chapter_namespace() -> dict:
    """The chapter's corpus and its training code, executed from the notebook's own cells."""
    torch.set_num_threads(1)
    corpus = make_corpus(sentences_per_template=60, seed=0)
    namespace = {"torch": torch, "nn": nn, "F": F, "math": math, "corpus": corpus}
    namespace.update(ids=corpus.ids, V=corpus.vocab_size)
    notebook = nbformat.read(CHAPTER, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.startswith(DEFINITIONS):
            tree = ast.parse(cell.source)  # run only the definitions, not the cell's demo lines
            tree.body = [node for node in tree.body if isinstance(node, DEFINITION_NODES)]
            exec(compile(tree, str(CHAPTER), "exec"), namespace)
    return namespace


def main() -> int:
    ns = chapter_namespace()
    corpus, ids, train = ns["corpus"], ns["ids"], ns["train"]
    start = time.perf_counter()
    _, _, checkpoints = train(ids)
    train_s = time.perf_counter() - start

    start = time.perf_counter()
    projection_player(checkpoints, corpus.token_groups, labels=corpus.tokens, annotate=["cat"])
    player_s = time.perf_counter() - start

    explorer = projection_explorer(
        lambda dim, lr: train(ids, dim, lr)[2], corpus.token_groups, labels=corpus.tokens
    )
    scrub_ms = []
    for step in [*list(checkpoints)[::-1], *list(checkpoints)] * 2:
        start = time.perf_counter()
        explorer.controls["step"].value = step
        scrub_ms.append(1000 * (time.perf_counter() - start))
    retrain_s = []
    for control, value in [("embedding_dim", 8), ("lr", 0.1), ("embedding_dim", 32), ("lr", 0.02)]:
        start = time.perf_counter()
        explorer.controls[control].value = value  # one new run each
        retrain_s.append(time.perf_counter() - start)
    plt.close(explorer.figure)

    median = statistics.median(scrub_ms)
    flag = "  OVER BUDGET" if median > SCRUB_BUDGET_MS else ""
    print(f"{'one training run (150 steps)':45s} {train_s:8.2f} s")
    print(f"{'kernel-free player (16 frames, built once)':45s} {player_s:8.2f} s")
    print(f"{'live explorer: move the step slider (median)':45s} {median:8.1f} ms{flag}")
    print(f"{'live explorer: move the step slider (max)':45s} {max(scrub_ms):8.1f} ms")
    retrain = statistics.median(retrain_s)
    print(f"{'live explorer: new dim or lr, retrain (median)':45s} {retrain:8.2f} s")
    return 1 if flag else 0


if __name__ == "__main__":
    sys.exit(main())
