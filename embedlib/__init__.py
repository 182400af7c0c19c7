"""embedlib: the small library behind the interactive book on ``torch.nn.Embedding``.

Three layers, imports flowing one way:

* compute (``embedlib.vocab``, ``embedlib.lookup``, ...): torch only, pure functions returning
  tensors or frozen dataclasses;
* ``embedlib.plots``: matplotlib, every function returns a Figure;
* ``embedlib.widgets``: thin ipywidgets layers wiring the first two.

Only the compute layer's functions are re-exported here, so ``import embedlib`` never imports
matplotlib. Result dataclasses (``UpdateTrace``, ``EncodedBatch``, ...) are importable from their
modules.
"""

from embedlib.corpus import make_corpus
from embedlib.cost import gradient_step_cost, lookup_cost
from embedlib.diagnose import check_ids, explain_ids
from embedlib.norms import changed_rows, clip_sparse_grad_norm_
from embedlib.params import changed_names, describe_model, snapshot_state
from embedlib.projection import fit_pca
from embedlib.projector import write_projector_files
from embedlib.toy import MeanPoolClassifier, TinyCNN, make_toy_task, sweep_toy_task
from embedlib.trace import optimizer_sparse_matrix, trace_updates
from embedlib.vocab import build_vocabulary, encode_batch

__all__ = [
    # embedlib.vocab: sentences to ids
    "build_vocabulary",
    "encode_batch",
    # embedlib.diagnose: ids
    "explain_ids",
    "check_ids",
    # embedlib.norms: changed rows, sparse gradient clipping
    "changed_rows",
    "clip_sparse_grad_norm_",
    # embedlib.params: parameters, buffers, hyperparameters
    "describe_model",
    "snapshot_state",
    "changed_names",
    # embedlib.toy: a toy task and two tiny models
    "MeanPoolClassifier",
    "TinyCNN",
    "make_toy_task",
    "sweep_toy_task",
    # embedlib.trace: which rows an optimizer moves
    "trace_updates",
    "optimizer_sparse_matrix",
    # embedlib.cost: dense vs sparse, lookup vs one-hot
    "gradient_step_cost",
    "lookup_cost",
    # embedlib.corpus, embedlib.projection, embedlib.projector: what the table learns
    "make_corpus",
    "fit_pca",
    "write_projector_files",
]
