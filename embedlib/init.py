"""The initialisation schemes the plots and widgets draw: how each fills a table, what it gives.

Chapters fill tables with ``torch.nn.init`` themselves; this registry pairs each scheme with the
distribution it draws from, so a plot can put the theoretical density next to a measured
histogram. For a (num_embeddings, embedding_dim) weight torch reads fan_in = embedding_dim
(dim 1) and fan_out = num_embeddings (dim 0).

>>> scheme = SCHEMES["xavier_normal"]
>>> round(scheme.std(1000, 64), 4), SCHEMES["scaled_normal"].std(1000, 64)
(0.0434, 0.125)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist

import torch
from torch import Tensor, nn

from embedlib._checks import check_seed, check_table_size

__all__: list[str] = []  # used by embedlib.plots and embedlib.widgets, not by the chapters

_Z = NormalDist()  # N(0, 1)
Law = tuple  # ("normal", std) | ("uniform", bound) | ("trunc_normal", std, cut): N(0, std²) in ±cut


@dataclass(frozen=True)
class InitScheme:
    """One way to fill an (n, d) table: ``fill(weight, generator)`` and the law it draws from.

    >>> scheme = SCHEMES["uniform"]
    >>> scheme.law(10, 4), round(scheme.std(10, 4), 4), scheme.density(torch.tensor([0.5]), 10, 4)
    (('uniform', 1.0), 0.5774, tensor([0.5000]))
    """

    name: str
    fill: Callable[[Tensor, torch.Generator | None], Tensor]
    law: Callable[[int, int], Law]

    def std(self, n: int, d: int) -> float:
        """The standard deviation of the values of an (n, d) table."""
        kind, scale, *cut = self.law(n, d)
        if kind == "uniform":
            return scale / math.sqrt(3)  # U(-b, b): std = b / sqrt(3)
        if kind == "normal":
            return scale
        c = cut[0] / scale  # the cut in units of the parent's std
        return scale * math.sqrt(1 - 2 * c * _Z.pdf(c) / (_Z.cdf(c) - _Z.cdf(-c)))

    def density(self, x: Tensor, n: int, d: int) -> Tensor:
        """The probability density of one value of an (n, d) table, at the points ``x``."""
        kind, scale, *cut = self.law(n, d)
        if kind == "uniform":
            return torch.where(x.abs() <= scale, 0.5 / scale, 0.0).to(x.dtype)
        pdf = torch.exp(-0.5 * (x / scale) ** 2) / (scale * math.sqrt(2 * math.pi))
        if kind == "normal":
            return pdf
        mass = _Z.cdf(cut[0] / scale) - _Z.cdf(-cut[0] / scale)
        return torch.where(x.abs() <= cut[0], pdf / mass, 0.0)


def _xavier(n: int, d: int) -> float:
    return math.sqrt(2 / (n + d))  # gain 1 * sqrt(2 / (fan_in + fan_out))


def _kaiming(n: int, d: int) -> float:
    return math.sqrt(2) / math.sqrt(d)  # gain sqrt(2) (leaky_relu, a=0) / sqrt(fan_in)


SCHEMES: dict[str, InitScheme] = {scheme.name: scheme for scheme in [
    InitScheme("normal", lambda w, g: nn.init.normal_(w, generator=g),
               lambda n, d: ("normal", 1.0)),
    InitScheme("normal_0.02", lambda w, g: nn.init.normal_(w, std=0.02, generator=g),
               lambda n, d: ("normal", 0.02)),
    InitScheme("uniform", lambda w, g: nn.init.uniform_(w, -1.0, 1.0, generator=g),
               lambda n, d: ("uniform", 1.0)),
    InitScheme("xavier_uniform", lambda w, g: nn.init.xavier_uniform_(w, generator=g),
               lambda n, d: ("uniform", math.sqrt(3) * _xavier(n, d))),
    InitScheme("xavier_normal", lambda w, g: nn.init.xavier_normal_(w, generator=g),
               lambda n, d: ("normal", _xavier(n, d))),
    InitScheme("kaiming_uniform", lambda w, g: nn.init.kaiming_uniform_(w, generator=g),
               lambda n, d: ("uniform", math.sqrt(3) * _kaiming(n, d))),
    InitScheme("kaiming_normal", lambda w, g: nn.init.kaiming_normal_(w, generator=g),
               lambda n, d: ("normal", _kaiming(n, d))),
    InitScheme("trunc_normal", lambda w, g: nn.init.trunc_normal_(w, generator=g),
               lambda n, d: ("trunc_normal", 1.0, 2.0)),  # N(0, 1) cut to [-2, 2]
    InitScheme("scaled_normal", lambda w, g: nn.init.normal_(w, std=w.shape[1]**-0.5, generator=g),
               lambda n, d: ("normal", 1.0 / math.sqrt(d))),  # rows of norm about 1
]}  # fmt: skip


def get_scheme(name: object) -> InitScheme:
    """Return the scheme called ``name``; a ValueError lists the valid names.

    >>> get_scheme("kaiming_normal").law(1000, 8)[0]
    'normal'
    """
    if not isinstance(name, str) or name not in SCHEMES:
        raise ValueError(f"scheme {name!r} is unknown; valid: {', '.join(SCHEMES)}")
    return SCHEMES[name]


def make_table(n: int, d: int, scheme: str, *, seed: int) -> Tensor:
    """A fresh (n, d) table filled by ``scheme`` from ``seed`` (the global RNG is untouched).

    >>> torch.equal(make_table(4, 3, "normal", seed=1), make_table(4, 3, "normal", seed=1))
    True
    """
    fill = get_scheme(scheme).fill
    check_table_size(n, d)
    weight = torch.empty(n, d)  # (num_embeddings, embedding_dim)
    return fill(weight, torch.Generator().manual_seed(check_seed(seed)))
