"""The inputs of a lookup, checked once: a table (an ``nn.Embedding`` or its weight) and ids.

The lookup itself is torch's (``emb(ids)``, ``weight[ids]``, ``F.embedding``); the chapters show
it. This module only checks what ``embedlib.plots.plot_lookup`` is given.

>>> weight, ids = _table_and_ids(torch.nn.Embedding(10, 3), torch.tensor([[1, 2], [4, 2]]))
>>> tuple(weight.shape), ids.dtype
((10, 3), torch.int64)
"""

from __future__ import annotations

import torch
from torch import nn

from embedlib._checks import check_table
from embedlib.diagnose import check_ids

__all__: list[str] = []  # private: used by embedlib.plots.lookup

# The largest one-hot matrix embedlib builds: 16 million entries, 64 MB of float32
# (embedlib.cost.lookup_cost caps its one-hot lookups with it).
_ONEHOT_LIMIT_ELEMENTS = 16_000_000


def _table_and_ids(table: object, ids: object) -> tuple[torch.Tensor, torch.Tensor]:
    """The table's weight (detached, float, on the CPU) and the checked ids as int64.

    ``table`` is an ``nn.Embedding`` or a 2-D floating-point weight. Nothing is looked up, so a
    module's ``max_norm`` does not rewrite its rows here.

    >>> _table_and_ids(torch.zeros(5, 2), torch.tensor([5]))
    Traceback (most recent call last):
    ...
    ValueError: 1 id(s) are >= num_embeddings=5 (largest id 5): num_embeddings must be at least max_id + 1 = 6 (did the vocabulary forget a padding or unknown token?), or remap the ids into 0..4.
    """  # noqa: E501
    if isinstance(table, nn.Embedding):
        weight = check_table(table.weight, "table.weight")
    elif isinstance(table, torch.Tensor):
        weight = check_table(table, "table")
    else:
        raise TypeError(
            "table must be an nn.Embedding or its 2-D weight (num_embeddings, embedding_dim), "
            f"got {type(table).__name__}; pass e.g. plot_lookup(emb, ids)"
        )
    check_ids(ids, weight.shape[0])
    return weight.detach().float().cpu(), ids.detach().long().cpu()
