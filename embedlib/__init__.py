"""embedlib: the small library behind the interactive book on ``torch.nn.Embedding``.

Three layers, imports flowing one way:

* compute (``embedlib.vocab``, ``embedlib.lookup``, ...): torch only, pure functions returning
  tensors or frozen dataclasses;
* ``embedlib.plots``: matplotlib, every function returns a Figure;
* ``embedlib.widgets``: thin ipywidgets layers wiring the first two.

Only the compute layer's functions are re-exported here, so ``import embedlib`` never imports
matplotlib. Result dataclasses (``UpdateTrace``, ``LookupTrace``, ...) are importable from their
modules.
"""

from embedlib.corpus import make_corpus
from embedlib.diagnose import check_ids, explain_ids
from embedlib.init import INIT_SCHEMES, init_embedding, make_table, table_stats
from embedlib.lookup import mean_pool, trace_lookup
from embedlib.norms import changed_rows, clip_sparse_grad_norm_, renorm_preview, row_norms
from embedlib.params import describe_model
from embedlib.projection import fit_pca
from embedlib.projector import write_projector_files
from embedlib.trace import optimizer_sparse_matrix, trace_updates
from embedlib.vocab import build_vocabulary, encode_batch

__all__ = [
    # embedlib.vocab: sentences to ids
    "build_vocabulary",
    "encode_batch",
    # embedlib.diagnose, embedlib.lookup: ids and the lookup
    "explain_ids",
    "check_ids",
    "trace_lookup",
    "mean_pool",
    # embedlib.norms: row norms, max_norm, changed rows, sparse gradient clipping
    "row_norms",
    "renorm_preview",
    "changed_rows",
    "clip_sparse_grad_norm_",
    # embedlib.init: initialisation schemes
    "INIT_SCHEMES",
    "init_embedding",
    "make_table",
    "table_stats",
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
