"""Initialisation schemes for an embedding table: how each fills it, and what std it should give.

``nn.Embedding`` draws N(0, 1) then zeroes the padding row; the registry puts that default next
to the alternatives, each with its theoretical std and density. For a (num_embeddings,
embedding_dim) weight torch reads fan_in = embedding_dim (dim 1), fan_out = num_embeddings (dim 0).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from statistics import NormalDist
from types import MappingProxyType

import torch
from torch import Tensor, nn

from embedlib._checks import check_count, check_number, check_seed, check_table, check_table_size

__all__ = ["INIT_SCHEMES", "init_embedding", "make_table", "table_stats"]

Distribution = tuple  # ("normal", mean, std) | ("uniform", lo, hi) | ("trunc_normal", m, s, lo, hi)


@dataclass(frozen=True)
class InitScheme:
    """One way to fill a (num_embeddings, embedding_dim) table, with its theory.

    ``function(weight, *, generator=None, **params)`` fills a tensor in place and returns it;
    ``theoretical_std(num_embeddings, embedding_dim, **params)`` and
    ``density(x, num_embeddings, embedding_dim, **params)`` give what the table should look like.

    >>> scheme = INIT_SCHEMES["scaled_normal"]
    >>> scheme.theoretical_std(1000, 64), scheme.function(torch.empty(3, 4)).shape
    (0.125, torch.Size([3, 4]))
    """

    name: str
    description: str
    defaults: Mapping[str, object]
    function: Callable[..., Tensor]
    theoretical_std: Callable[..., float]
    density: Callable[..., Tensor]


@dataclass(frozen=True)
class TableStats:
    """Summary statistics of an embedding table (whole table, per row, per column; std with ddof 0).

    >>> stats = table_stats(torch.tensor([[3.0, 4.0], [0.0, 0.0]]))
    >>> stats.mean, stats.max, stats.row_norms.tolist()
    (1.75, 4.0, [5.0, 0.0])
    """

    mean: float
    std: float
    min: float
    max: float
    row_norms: Tensor  # (num_embeddings,)
    mean_row_norm: float
    column_means: Tensor  # (embedding_dim,)
    column_stds: Tensor  # (embedding_dim,)


_phi, _cdf = NormalDist().pdf, NormalDist().cdf  # standard normal pdf and cdf


def _distribution_std(dist: Distribution) -> float:
    if dist[0] == "normal":
        return float(dist[2])
    if dist[0] == "uniform":
        return (dist[2] - dist[1]) / math.sqrt(12)
    _, mean, std, low, high = dist  # truncated normal: moments of N(0, 1) cut to [alpha, beta]
    alpha, beta = (low - mean) / std, (high - mean) / std
    mass = _cdf(beta) - _cdf(alpha)
    shift = (_phi(alpha) - _phi(beta)) / mass
    return std * math.sqrt(1 + (alpha * _phi(alpha) - beta * _phi(beta)) / mass - shift**2)


def _distribution_pdf(dist: Distribution, x: Tensor) -> Tensor:
    if dist[0] == "uniform":
        return torch.where((x >= dist[1]) & (x <= dist[2]), 1.0 / (dist[2] - dist[1]), 0.0)
    _, mean, std, *bounds = dist
    pdf = torch.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))
    if not bounds:
        return pdf
    low, high = bounds
    mass = _cdf((high - mean) / std) - _cdf((low - mean) / std)
    return torch.where((x >= low) & (x <= high), pdf / mass, 0.0)


def _positive(name: str, scheme: str, value: object) -> float:
    return check_number(value, name, low=0.0, strict=True, context=f"{scheme}: ")


def _interval(scheme: str, low: object, high: object) -> tuple[float, float]:
    low, high = (check_number(v, k, context=f"{scheme}: ") for k, v in (("a", low), ("b", high)))
    if not low < high:
        raise ValueError(f"{scheme}: need a < b for the interval [a, b], got a={low!r}, b={high!r}")
    return low, high


def _distribution(name: str, n: int, d: int, p: Mapping[str, object]) -> Distribution:
    """The exact distribution ``name`` draws from for an (n, d) table with parameters ``p``."""
    check_count(n, "num_embeddings")
    check_count(d, "embedding_dim")
    if name == "normal":
        return ("normal", 0.0, 1.0)
    if name == "normal_sigma":
        return ("normal", 0.0, _positive("sigma", name, p["sigma"]))
    if name == "uniform":
        return ("uniform", *_interval(name, p["a"], p["b"]))
    if name == "scaled_normal":
        return ("normal", 0.0, 1.0 / math.sqrt(d))
    if name == "trunc_normal":
        low, high = _interval(name, p["a"], p["b"])
        if not low < check_number(p["mean"], "mean", context=f"{name}: ") < high:
            raise ValueError(f"{name}: mean={p['mean']} must lie inside [a, b] = [{low}, {high}]")
        return ("trunc_normal", float(p["mean"]), _positive("std", name, p["std"]), low, high)
    if name.startswith("xavier"):  # fan_in + fan_out = d + n
        std = _positive("gain", name, p["gain"]) * math.sqrt(2.0 / (d + n))
    else:  # kaiming; torch reads fan_in = dim 1 = embedding_dim, fan_out = dim 0 = num_embeddings
        if p["mode"] not in ("fan_in", "fan_out"):
            raise ValueError(f"{name}: mode must be 'fan_in' or 'fan_out', got {p['mode']!r}")
        fan = d if p["mode"] == "fan_in" else n
        std = _gain(name, p["nonlinearity"], p["a"]) / math.sqrt(fan)
    if name.endswith("_normal"):
        return ("normal", 0.0, std)
    return ("uniform", -math.sqrt(3.0) * std, math.sqrt(3.0) * std)  # U(-b, b): std = b/sqrt(3)


def _gain(scheme: str, nonlinearity: object, slope: object) -> float:
    """torch's recommended gain for ``nonlinearity`` (``slope``: leaky_relu's negative slope)."""
    slope = check_number(slope, "a", context=f"{scheme}: ")
    try:
        return nn.init.calculate_gain(nonlinearity, slope)
    except ValueError as error:
        raise ValueError(
            f"{scheme}: nonlinearity={nonlinearity!r} is not one torch knows ({error}); use e.g. "
            "'relu', 'leaky_relu', 'tanh' or 'linear'"
        ) from error


_KAIMING = {"a": 0.0, "mode": "fan_in", "nonlinearity": "leaky_relu"}
_SPECS: dict[str, tuple[str, dict[str, object]]] = {  # name -> (description, default parameters)
    "normal": ("N(0, 1): what nn.Embedding.reset_parameters does", {}),
    "normal_sigma": ("N(0, sigma^2), a chosen std sigma", {"sigma": 0.1}),
    "uniform": ("U(a, b)", {"a": -1.0, "b": 1.0}),
    "xavier_uniform": ("Glorot: uniform, std = gain * sqrt(2 / (fan_in + fan_out))", {"gain": 1.0}),
    "xavier_normal": ("Glorot: normal, std = gain * sqrt(2 / (fan_in + fan_out))", {"gain": 1.0}),
    "kaiming_uniform": ("He: uniform, std = gain / sqrt(fan_in), fan_in = embedding_dim", _KAIMING),
    "kaiming_normal": ("He: normal, std = gain / sqrt(fan_in), fan_in = embedding_dim", _KAIMING),
    "trunc_normal": ("N(mean, std^2) cut to [a, b]; std is the parent's, not the result's",
                     {"mean": 0.0, "std": 1.0, "a": -2.0, "b": 2.0}),
    "scaled_normal": ("N(0, 1/d), d = embedding_dim: rows of norm about 1", {}),
}  # fmt: skip


def _fill(name: str, weight: Tensor, generator: torch.Generator | None, p: dict) -> None:
    """Draw with torch's own nn.init function, so the theory above is checked against torch."""
    if name in ("normal", "normal_sigma", "scaled_normal"):
        _, mean, std = _distribution(name, *weight.shape, p)
        nn.init.normal_(weight, mean, std, generator=generator)
    else:  # uniform_, xavier_*_, kaiming_*_, trunc_normal_ take the parameters by these names
        getattr(nn.init, name + "_")(weight, **p, generator=generator)


def _resolve(name: str, params: Mapping[str, object]) -> dict[str, object]:
    defaults = _SPECS[name][1]
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        valid = ", ".join(defaults) or "none (it takes no parameters)"
        raise TypeError(
            f"scheme {name!r} got unknown parameter(s) {unknown}; its parameters: {valid}"
        )
    return {**defaults, **params}


def _function(name: str, weight: Tensor, *, generator=None, **params) -> Tensor:
    p = _resolve(name, params)
    check_table(weight)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(
            f"generator must be a torch.Generator or None, got {type(generator).__name__}; "
            "pass e.g. torch.Generator().manual_seed(0)"
        )
    _distribution(name, *weight.shape, p)  # validates the parameters before drawing
    with torch.no_grad():
        _fill(name, weight, generator, p)
    return weight


def _theoretical_std(name: str, num_embeddings: int, embedding_dim: int, **params) -> float:
    return _distribution_std(
        _distribution(name, num_embeddings, embedding_dim, _resolve(name, params))
    )


def _density(name: str, x: Tensor, num_embeddings: int, embedding_dim: int, **params) -> Tensor:
    dist = _distribution(name, num_embeddings, embedding_dim, _resolve(name, params))
    if not isinstance(x, Tensor) or x.is_complex() or x.dtype == torch.bool:
        raise TypeError(
            f"x must be a real tensor of points, got {type(x).__name__}; pass e.g. "
            "torch.linspace(-3, 3, 601)"
        )
    x = x if x.is_floating_point() else x.to(torch.get_default_dtype())
    return _distribution_pdf(dist, x).to(x.dtype)


INIT_SCHEMES: dict[str, InitScheme] = {
    name: InitScheme(
        name, description, MappingProxyType(defaults), partial(_function, name),
        partial(_theoretical_std, name), partial(_density, name),
    )
    for name, (description, defaults) in _SPECS.items()
}  # fmt: skip


def _get_scheme(scheme: str | InitScheme) -> InitScheme:
    """Return the registered scheme called ``scheme`` (or ``scheme`` itself if already one).

    >>> _get_scheme("xavier_normal").name
    'xavier_normal'
    """
    if isinstance(scheme, InitScheme):
        return scheme
    if not isinstance(scheme, str) or scheme not in INIT_SCHEMES:
        raise ValueError(
            f"scheme {scheme!r} is unknown; valid scheme names are: {', '.join(INIT_SCHEMES)}"
        )
    return INIT_SCHEMES[scheme]


def init_embedding(
    embedding: nn.Embedding,
    scheme: str | InitScheme,
    *,
    generator: torch.Generator | None = None,
    **params,
) -> nn.Embedding:
    """Fill ``embedding.weight`` with ``scheme`` in place, re-zero its padding row, return it.

    Any custom init overwrites the zero padding row the constructor wrote; this puts it back.

    >>> emb = init_embedding(nn.Embedding(5, 3, padding_idx=0), "xavier_uniform")
    >>> emb.weight[0].tolist()
    [0.0, 0.0, 0.0]
    """
    if not isinstance(embedding, nn.Embedding):
        raise TypeError(
            f"embedding must be an nn.Embedding, got {type(embedding).__name__}; "
            "for a bare tensor use INIT_SCHEMES[name].function(tensor)"
        )
    _get_scheme(scheme).function(embedding.weight, generator=generator, **params)
    if embedding.padding_idx is not None:
        with torch.no_grad():
            embedding.weight[embedding.padding_idx].zero_()
    return embedding


def make_table(
    num_embeddings: int, embedding_dim: int, scheme: str | InitScheme, *, seed: int, **params
) -> Tensor:
    """Return a fresh (num_embeddings, embedding_dim) table from ``seed`` (global RNG untouched).

    >>> torch.equal(make_table(4, 3, "normal", seed=1), make_table(4, 3, "normal", seed=1))
    True
    """
    check_seed(seed)
    check_table_size(num_embeddings, embedding_dim)
    scheme = _get_scheme(scheme)
    scheme.theoretical_std(num_embeddings, embedding_dim, **params)  # validates the parameters
    weight = torch.empty(num_embeddings, embedding_dim)  # (num_embeddings, embedding_dim)
    return scheme.function(weight, generator=torch.Generator().manual_seed(seed), **params)


def table_stats(weight: Tensor) -> TableStats:
    """Return mean, std, min, max, row norms and per-column mean/std of a table.

    >>> stats = table_stats(make_table(10_000, 16, "normal", seed=0))
    >>> abs(stats.std - 1) < 0.02, stats.column_stds.shape
    (True, torch.Size([16]))
    """
    check_table(weight)
    w = weight.detach().double()  # float64 sums: stable digits whatever the thread count
    row_norms = w.norm(dim=1)  # (num_embeddings,)
    return TableStats(
        mean=w.mean().item(),
        std=w.std(correction=0).item(),
        min=w.min().item(),
        max=w.max().item(),
        row_norms=row_norms.to(weight.dtype),
        mean_row_norm=row_norms.mean().item(),
        column_means=w.mean(dim=0).to(weight.dtype),
        column_stds=w.std(dim=0, correction=0).to(weight.dtype),
    )
