"""A 2-D view of an embedding table: principal component analysis (PCA), fitted once, reused.

Fitting the projection on one table and applying the same projection to every checkpoint of a
training run gives frames that share their axes, so points move between frames instead of
jumping (a PCA fitted per frame may flip or rotate its axes from one frame to the next).

>>> table = torch.tensor([[2.0, 0.0, 0.0], [-2.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, -1.0, 0.0]])
>>> pca = fit_pca(table)
>>> pca(table)
tensor([[ 2.,  0.],
        [-2.,  0.],
        [ 0.,  1.],
        [ 0., -1.]])
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from embedlib._checks import check_count, check_table

__all__ = ["fit_pca"]


@dataclass(frozen=True, eq=False)
class Projection:
    """A fitted PCA: ``projection(weight)`` returns ``(weight - mean) @ components.T``.

    >>> table = torch.tensor([[0.0, 0.0], [2.0, 0.0], [4.0, 0.0]])
    >>> projection = fit_pca(table, k=1)
    >>> projection(table).flatten().abs().tolist(), projection.explained_variance_ratio.tolist()
    ([2.0, 0.0, 2.0], [1.0])
    """

    mean: torch.Tensor  # (dim,): the mean row of the table it was fitted on
    components: torch.Tensor  # (k, dim): orthonormal directions of largest variance, largest first
    explained_variance_ratio: torch.Tensor  # (k,): share of the table's variance along each one

    def __call__(self, weight: torch.Tensor) -> torch.Tensor:
        """Project the rows of ``weight`` (any table with the same ``dim``) onto the components."""
        weight = check_table(weight, "weight", finite=True)
        dim = self.components.shape[1]
        if weight.shape[1] != dim:
            raise ValueError(
                f"weight has {weight.shape[1]} columns but this projection was fitted on a "
                f"table with {dim}; fit a new one with fit_pca(weight)"
            )
        return (weight - self.mean.to(weight.dtype)) @ self.components.T.to(weight.dtype)


def fit_pca(weight: torch.Tensor, k: int = 2) -> Projection:
    """Fit a ``k``-component PCA to the rows of ``weight`` (an exact SVD of the centred table).

    The sign of each component is fixed (its largest-magnitude entry is positive), so the same
    table always gives the same picture, not a mirror image of it.

    >>> weight = torch.randn(50, 8, generator=torch.Generator().manual_seed(0))
    >>> pca = fit_pca(weight)
    >>> pca(weight).shape, pca.components.shape
    (torch.Size([50, 2]), torch.Size([2, 8]))
    >>> bool(pca.explained_variance_ratio[0] >= pca.explained_variance_ratio[1])
    True
    >>> fit_pca(weight, k=9)
    Traceback (most recent call last):
    ...
    ValueError: k must be at most 8, got 9; pass a smaller k
    """
    weight = check_table(weight, "weight", min_rows=2, finite=True)
    check_count(k, "k", high=min(weight.shape))
    table = weight.double()
    mean = table.mean(dim=0)  # (dim,)
    centred = table - mean  # (rows, dim)
    _, singular_values, vh = torch.linalg.svd(centred, full_matrices=False)  # vh: (r, dim)
    components = vh[:k]  # (k, dim)
    largest = components.abs().argmax(dim=1, keepdim=True)  # (k, 1)
    components = components * components.gather(1, largest).sign()
    variance = singular_values.square()
    total = variance.sum()
    ratio = variance[:k] / total if total > 0 else torch.zeros(k, dtype=table.dtype)
    return Projection(
        mean=mean.to(weight.dtype),
        components=components.to(weight.dtype),
        explained_variance_ratio=ratio.to(weight.dtype),
    )
