"""embedlib: the small library behind the interactive book on ``torch.nn.Embedding``.

Three layers, imports flowing one way:

* compute (``embedlib.vocab``, ``embedlib.lookup``, ...): torch only, pure functions returning
  tensors or frozen dataclasses;
* ``embedlib.plots``: matplotlib, every function returns a Figure;
* ``embedlib.widgets``: thin ipywidgets layers wiring the first two.

Only the compute layer is re-exported here, so ``import embedlib`` never imports matplotlib.
"""

from embedlib.cost import (
    GradStepCost,
    LookupCost,
    gradient_step_cost,
    lookup_cost,
    median_seconds,
)
from embedlib.diagnose import (
    IdReport,
    explain_ids,
)
from embedlib.grads import (
    EMBEDDING_KWARGS,
    clip_sparse_grad_norm_,
    id_counts,
    row_gradients,
)
from embedlib.init import (
    INIT_SCHEMES,
    InitScheme,
    TableStats,
    get_scheme,
    init_embedding,
    make_table,
    scheme_density,
    table_stats,
)
from embedlib.lookup import (
    LookupTrace,
    check_ids,
    mean_pool,
    trace_lookup,
)
from embedlib.norms import (
    RENORM_EPS,
    RenormResult,
    renorm_preview,
    row_norms,
)
from embedlib.optim_matrix import (
    optimizer_sparse_matrix,
)
from embedlib.params import (
    HYPERPARAMETER_ATTRIBUTES,
    BufferRow,
    HyperparameterRow,
    ModelReport,
    ParameterRow,
    StateSnapshot,
    changed_names,
    describe_model,
    snapshot_state,
)
from embedlib.rows import (
    changed_rows,
)
from embedlib.toy import (
    MeanPoolClassifier,
    SweepRun,
    TinyCNN,
    ToyTask,
    make_toy_task,
    sweep_toy_task,
    train_toy_task,
)
from embedlib.trace import (
    trace_updates,
)
from embedlib.vocab import (
    EncodedBatch,
    Vocabulary,
    build_vocabulary,
    encode_batch,
    tokenize,
)

__all__ = [
    # embedlib.vocab
    "EncodedBatch",
    "Vocabulary",
    "build_vocabulary",
    "encode_batch",
    "tokenize",
    # embedlib.lookup
    "LookupTrace",
    "check_ids",
    "mean_pool",
    "trace_lookup",
    # embedlib.diagnose
    "IdReport",
    "explain_ids",
    # embedlib.grads
    "EMBEDDING_KWARGS",
    "clip_sparse_grad_norm_",
    "id_counts",
    "row_gradients",
    # embedlib.norms
    "RENORM_EPS",
    "RenormResult",
    "renorm_preview",
    "row_norms",
    # embedlib.init
    "INIT_SCHEMES",
    "InitScheme",
    "TableStats",
    "get_scheme",
    "init_embedding",
    "make_table",
    "scheme_density",
    "table_stats",
    # embedlib.params
    "HYPERPARAMETER_ATTRIBUTES",
    "BufferRow",
    "HyperparameterRow",
    "ModelReport",
    "ParameterRow",
    "StateSnapshot",
    "changed_names",
    "describe_model",
    "snapshot_state",
    # embedlib.toy
    "MeanPoolClassifier",
    "SweepRun",
    "TinyCNN",
    "ToyTask",
    "make_toy_task",
    "sweep_toy_task",
    "train_toy_task",
    # embedlib.rows
    "changed_rows",
    # embedlib.trace
    "trace_updates",
    # embedlib.optim_matrix
    "optimizer_sparse_matrix",
    # embedlib.cost
    "GradStepCost",
    "LookupCost",
    "gradient_step_cost",
    "lookup_cost",
    "median_seconds",
]
