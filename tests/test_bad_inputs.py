"""Bad input to any public callable of embedlib's compute layer is a clear TypeError/ValueError.

Every case must raise the expected exception type, *from embedlib's own code* (not a raw torch or
Python error), with a message that names the argument. The cases run in one subprocess whose
address space is capped at its size after start-up plus 1 GB, with a per-case time limit: a case
that tries to allocate gigabytes, or hangs, fails instead of taking the machine down.

Run ``python tests/test_bad_inputs.py`` to print every case's outcome.
"""

# ruff: noqa: E501  (the table keeps one case per line)

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

GIB = 2**30
CASE_SECONDS = 10  # per case; the whole run has its own timeout in the test
NAN, INF = math.nan, math.inf


def _cases() -> list[tuple[str, str, Callable[[], object], type[Exception], str]]:
    """(callable, case id, call, expected exception, pattern naming the argument)."""
    import torch
    from torch import nn

    import embedlib as E
    from embedlib.params import describe_model as _describe

    t = torch.tensor
    SGD = torch.optim.SGD
    vocab = E.build_vocabulary(["a b"])
    table = torch.randn(5, 2)

    def sparse_grad_param(dense: bool = False) -> torch.Tensor:
        emb = nn.Embedding(4, 2, sparse=not dense)
        emb(t([1])).sum().backward()
        return emb.weight

    def trace(schedule=([1],), **kwargs):
        kwargs = {"num_embeddings": 5, "embedding_dim": 2, "lr": 0.1, **kwargs}
        return lambda: E.trace_updates(list(schedule), kwargs.pop("optimizer", SGD), **kwargs)

    def matrix(schedule=([1],), **kwargs):
        kwargs = {"num_embeddings": 5, "embedding_dim": 2, **kwargs}
        return lambda: E.optimizer_sparse_matrix(list(schedule), **kwargs)

    return [
        # -- vocabulary ---------------------------------------------------------------------------
        ("build_vocabulary", "one string", lambda: E.build_vocabulary("a b"), TypeError, "sentences"),
        ("build_vocabulary", "not text", lambda: E.build_vocabulary([3]), TypeError, "sentence"),
        ("build_vocabulary", "pad_token int", lambda: E.build_vocabulary(["a"], pad_token=0), TypeError, "pad_token"),
        ("encode_batch", "empty", lambda: E.encode_batch([], vocab), ValueError, "sentences"),
        ("encode_batch", "one string", lambda: E.encode_batch("a b", vocab), TypeError, "sentences"),
        ("encode_batch", "vocab dict", lambda: E.encode_batch(["a"], {"a": 0}), TypeError, "vocab"),
        ("Vocabulary.encode", "int", lambda: vocab.encode(5), TypeError, "sentence"),
        # -- ids ---------------------------------------------------------------------------------
        ("explain_ids", "text", lambda: E.explain_ids("the cat", 5), TypeError, "ids"),
        ("explain_ids", "None", lambda: E.explain_ids(None, 5), TypeError, "ids"),
        ("explain_ids", "0 rows", lambda: E.explain_ids([1], 0), ValueError, "num_embeddings"),
        ("explain_ids", "0-row module", lambda: E.explain_ids(t([1]), nn.Embedding(0, 2)), ValueError, "num_embeddings"),
        ("explain_ids", "float size", lambda: E.explain_ids([1], 2.5), TypeError, "num_embeddings"),
        ("check_ids", "float", lambda: E.check_ids(t([1.0]), 5), TypeError, "ids have dtype torch.float32"),
        ("check_ids", "nan", lambda: E.check_ids(t([NAN]), 5), TypeError, "ids have dtype"),
        ("check_ids", "negative", lambda: E.check_ids(t([-1]), 5), ValueError, r"id\(s\) are negative"),
        ("check_ids", "too large", lambda: E.check_ids(t([5]), 5), ValueError, "num_embeddings=5"),
        ("check_ids", "int16", lambda: E.check_ids(t([1], dtype=torch.int16), 5), TypeError, "ids have dtype torch.int16"),
        ("check_ids", "uint8", lambda: E.check_ids(t([1], dtype=torch.uint8), 5), TypeError, "ids have dtype torch.uint8"),
        ("check_ids", "list", lambda: E.check_ids([1], 5), TypeError, "ids are of type list"),
        ("check_ids", "0 rows", lambda: E.check_ids(t([], dtype=torch.long), 0), ValueError, "num_embeddings"),
        ("check_ids", "named", lambda: E.check_ids(t([7]), 5, name="batch"), ValueError, "in batch"),
        # -- norms -------------------------------------------------------------------------------
        ("changed_rows", "1-D", lambda: E.changed_rows(torch.zeros(3), torch.zeros(3)), ValueError, "before"),
        ("changed_rows", "shapes", lambda: E.changed_rows(torch.zeros(3, 2), torch.zeros(4, 2)), ValueError, "after"),
        ("changed_rows", "after list", lambda: E.changed_rows(torch.zeros(1, 2), [[0.0, 0.0]]), TypeError, "after"),
        ("changed_rows", "0 rows", lambda: E.changed_rows(torch.zeros(0, 2), torch.zeros(0, 2)), ValueError, "before"),
        ("changed_rows", "atol nan", lambda: E.changed_rows(table, table, atol=NAN), ValueError, "atol"),
        ("changed_rows", "atol -1", lambda: E.changed_rows(table, table, atol=-1.0), ValueError, "atol"),
        ("changed_rows", "atol str", lambda: E.changed_rows(table, table, atol="0"), TypeError, "atol"),
        ("clip_sparse_grad_norm_", "max_norm inf", lambda: E.clip_sparse_grad_norm_(sparse_grad_param(), INF), ValueError, "max_norm"),
        ("clip_sparse_grad_norm_", "max_norm nan", lambda: E.clip_sparse_grad_norm_(sparse_grad_param(), NAN), ValueError, "max_norm"),
        ("clip_sparse_grad_norm_", "max_norm str", lambda: E.clip_sparse_grad_norm_(sparse_grad_param(), "1"), TypeError, "max_norm"),
        ("clip_sparse_grad_norm_", "not a tensor", lambda: E.clip_sparse_grad_norm_(nn.Embedding(2, 2), 1.0), TypeError, "parameter"),
        ("clip_sparse_grad_norm_", "no grad", lambda: E.clip_sparse_grad_norm_(nn.Embedding(2, 2).weight, 1.0), ValueError, "parameter.grad"),
        ("clip_sparse_grad_norm_", "dense grad", lambda: E.clip_sparse_grad_norm_(sparse_grad_param(dense=True), 1.0), ValueError, "parameter.grad"),
        # -- initialisation ------------------------------------------------------------------------
        # -- parameters, buffers, hyperparameters -------------------------------------------------
        ("describe_model", "tensor", lambda: E.describe_model(torch.zeros(2)), TypeError, "module"),
        ("describe_model", "optimizer str", lambda: E.describe_model(nn.Linear(1, 1), "sgd"), TypeError, "optimizer"),
        ("describe_model", "training list", lambda: E.describe_model(nn.Linear(1, 1), training=[1]), TypeError, "training"),
        ("ModelReport.to_markdown", "kinds str", lambda: _describe(nn.Linear(1, 1)).to_markdown("learnable"), TypeError, "kinds"),
        ("ModelReport.to_markdown", "kinds unknown", lambda: _describe(nn.Linear(1, 1)).to_markdown(("w",)), ValueError, "kinds"),
        # -- tracing optimizer updates -----------------------------------------------------------
        ("trace_updates", "empty batch", trace([[]]), ValueError, r"schedule\[0\] is an empty batch"),
        ("trace_updates", "empty schedule", trace([]), ValueError, "schedule is empty"),
        ("trace_updates", "float ids", trace([[1.5]]), TypeError, r"schedule\[0\]"),
        ("trace_updates", "negative", trace([[1], [-1]]), ValueError, r"schedule\[1\]"),
        ("trace_updates", "too large", trace([[5]]), ValueError, r"schedule\[0\].*num_embeddings=5"),
        ("trace_updates", "int16", trace([t([1], dtype=torch.int16)]), TypeError, r"schedule\[0\] have dtype torch.int16"),
        ("trace_updates", "misspelt kwarg", trace(momentun=0.9), TypeError, "momentun"),
        ("trace_updates", "lr nan", trace(lr=NAN), ValueError, "lr"),
        ("trace_updates", "lr str", trace(lr="x"), TypeError, "lr"),
        ("trace_updates", "lr negative", trace(lr=-1.0), ValueError, "lr=-1.0"),
        ("trace_updates", "weight_decay inf", trace(weight_decay=INF), ValueError, "weight_decay"),
        ("trace_updates", "seed None", trace(seed=None), TypeError, "seed"),
        ("trace_updates", "optimizer str", trace(optimizer="sgd"), TypeError, "optimizer"),
        ("trace_updates", "0 rows", trace(num_embeddings=0), ValueError, "num_embeddings"),
        ("trace_updates", "sparse str", trace(sparse="yes"), TypeError, "sparse"),
        ("trace_updates", "huge table", trace(num_embeddings=10**5, embedding_dim=10**3), ValueError, "64 MB"),
        ("trace_updates", "200 steps, 4 MB", trace([[1]] * 200, num_embeddings=1000, embedding_dim=1000), ValueError, "200 steps"),
        ("optimizer_sparse_matrix", "no settings", matrix(settings=[]), TypeError, "settings"),
        ("optimizer_sparse_matrix", "bad setting", matrix(settings=[("SGD", SGD)]), TypeError, r"settings\[0\]"),
        ("optimizer_sparse_matrix", "misspelt kwarg", matrix(settings=[("x", SGD, {"momentun": 0.9})]), TypeError, "momentun"),
        ("optimizer_sparse_matrix", "empty batch", matrix([[]]), ValueError, r"schedule\[0\]"),
        ("optimizer_sparse_matrix", "0 rows", matrix(num_embeddings=0), ValueError, "num_embeddings"),
        ("optimizer_sparse_matrix", "huge table", matrix(num_embeddings=10**5, embedding_dim=10**3), ValueError, "64 MB"),
        # -- what the table learns: corpus, projection, Projector export ----------------------------
        ("make_corpus", "no groups", lambda: E.make_corpus({}, ["the {x}"]), ValueError, "groups is empty"),
        ("make_corpus", "one-token group", lambda: E.make_corpus({"x": ["a"]}, ["the {x}"]), ValueError, r"groups\['x'\]"),
        ("make_corpus", "groups list", lambda: E.make_corpus(["a", "b"]), TypeError, "groups"),
        ("make_corpus", "no templates", lambda: E.make_corpus({"x": ["a", "b"]}, []), ValueError, "templates"),
        ("make_corpus", "unknown slot", lambda: E.make_corpus({"x": ["a", "b"]}, ["the {y}"]), ValueError, "templates"),
        ("make_corpus", "float count", lambda: E.make_corpus(sentences_per_template=2.5), TypeError, "sentences_per_template"),
        ("make_corpus", "huge count", lambda: E.make_corpus(sentences_per_template=10**9), ValueError, "sentences_per_template"),
        ("make_corpus", "seed None", lambda: E.make_corpus(seed=None), TypeError, "seed"),
        ("fit_pca", "1-D", lambda: E.fit_pca(torch.ones(5)), ValueError, "weight"),
        ("fit_pca", "nan", lambda: E.fit_pca(t([[NAN, 1.0], [0.0, 1.0]])), ValueError, "weight"),
        ("fit_pca", "ints", lambda: E.fit_pca(t([[1, 2], [3, 4]])), TypeError, "weight"),
        ("fit_pca", "list", lambda: E.fit_pca([[1.0, 2.0], [3.0, 4.0]]), TypeError, "weight"),
        ("fit_pca", "k too big", lambda: E.fit_pca(table, k=3), ValueError, "k"),
        ("write_projector_files", "label count", lambda: E.write_projector_files(table, ["a"], "."), ValueError, "labels"),
        ("write_projector_files", "1-D", lambda: E.write_projector_files(torch.ones(5), ["a"] * 5, "."), ValueError, "weight"),
        ("write_projector_files", "one column", lambda: E.write_projector_files(torch.ones(5, 1), list("abcde"), "."), ValueError, "weight"),
        ("write_projector_files", "tab in label", lambda: E.write_projector_files(table, ["a\tb", *"bcde"], "."), ValueError, "labels"),
        ("write_projector_files", "no folder", lambda: E.write_projector_files(table, list("abcde"), "/no/such/folder"), ValueError, "directory"),
        ("write_projector_files", "folder int", lambda: E.write_projector_files(table, list("abcde"), 3), TypeError, "directory"),
    ]  # fmt: skip


# Public callables the table must cover: embedlib.__all__ and the methods of result objects
# that take input.
METHODS = {
    "Vocabulary.encode",
    "ModelReport.to_markdown",
}


def _address_space_bytes() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmSize:"))
    return int(line.split()[1]) * 1024


def _run_case(call: Callable[[], object]) -> dict[str, object]:
    import signal
    import time
    import traceback

    import embedlib

    package = str(Path(embedlib.__file__).parent)

    def timeout(signum: int, frame: object) -> None:
        raise TimeoutError(f"the case ran for more than {CASE_SECONDS} s")

    signal.signal(signal.SIGALRM, timeout)
    signal.alarm(CASE_SECONDS)
    start = time.perf_counter()
    try:
        result = call()
    except BaseException as error:  # every outcome, MemoryError included, goes to the parent
        frames = traceback.extract_tb(error.__traceback__)
        return {
            "error": type(error).__name__,
            "message": str(error),
            "raised_in": frames[-1].filename if frames else "",
            "by_embedlib": bool(frames) and frames[-1].filename.startswith(package),
            "seconds": time.perf_counter() - start,
        }
    finally:
        signal.alarm(0)
    return {"error": None, "message": repr(result)[:200], "seconds": time.perf_counter() - start}


def main() -> None:
    """Run every case under the address-space cap; print one JSON line per case."""
    import resource

    import torch

    torch.set_num_threads(1)
    torch.randn(64, 64) @ torch.randn(64, 64)  # start-up allocations happen before the cap
    cases = _cases()
    cap = _address_space_bytes() + GIB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    for name, case, call, _, _ in cases:
        print(json.dumps({"callable": name, "case": case, **_run_case(call)}), flush=True)


CASES = _cases() if __name__ != "__main__" else []


@pytest.fixture(scope="module")
def outcomes() -> dict[tuple[str, str], dict]:
    result = subprocess.run([sys.executable, __file__], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    return {(row["callable"], row["case"]): row for row in rows}


def test_every_public_callable_of_the_compute_layer_is_covered() -> None:
    import embedlib

    covered = {name for name, *_ in CASES}
    assert covered == set(embedlib.__all__) | METHODS


def test_case_ids_are_unique() -> None:
    ids = [(name, case) for name, case, *_ in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("name", "case", "error", "pattern"),
    [(name, case, error, pattern) for name, case, _, error, pattern in CASES],
    ids=[f"{name}-{case}" for name, case, *_ in CASES],
)
def test_bad_input_is_a_clear_error_from_embedlib(outcomes, name, case, error, pattern):
    import re

    outcome = outcomes[(name, case)]
    assert outcome["error"] == error.__name__, outcome
    assert outcome["by_embedlib"], f"raised in {outcome['raised_in']}: {outcome['message']}"
    assert re.search(pattern, outcome["message"]), outcome["message"]
    assert outcome["seconds"] < CASE_SECONDS


if __name__ == "__main__":
    main()
