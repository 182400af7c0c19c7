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
from embedlib.diagnose import check_ids, explain_ids
from embedlib.norms import changed_rows, clip_sparse_grad_norm_
from embedlib.params import describe_model
from embedlib.projection import fit_pca
from embedlib.projector import write_projector_files
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
    # embedlib.params: parameters, buffers, hyperparameters in one table
    "describe_model",
    # embedlib.trace: which rows an optimizer moves
    "trace_updates",
    "optimizer_sparse_matrix",
    # embedlib.corpus, embedlib.projection, embedlib.projector: what the table learns
    "make_corpus",
    "fit_pca",
    "write_projector_files",
]
