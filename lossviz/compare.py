"""Pure computation of the Compare page: shared input domains, entries, ratios, normalisation.

A comparison puts 2–4 *entries* on one shared input *domain*. The domains are
declared in :mod:`lossviz.registry.domains` (axes, shared sliders, surface axes);
each loss's spec says which domains it joins and how it is called along the
domain's x and over its surface (:class:`lossviz.registry.Join`). An entry is an
:class:`Option` of a domain with its own values of the registry's
hyperparameters, so the same loss may appear twice.

Every value is the core loss called through the registry's terms (and every
gradient its own ``_grad`` by the chain rule); how each loss is evaluated along
the domain's x is stated in :attr:`Domain.description`, which the page shows.

Pure Python + NumPy: no streamlit, no plotly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from lossviz.registry import FAMILY_MODULES, REGISTRY, Param, Preset, Properties, Term
from lossviz.registry.domains import DOMAINS as _DECLS
from lossviz.registry.domains import DomainAxis as Axis
from lossviz.registry.domains import DomainDecl

__all__ = [
    "DOMAINS",
    "LETTERS",
    "PRESETS",
    "Axis",
    "Domain",
    "Option",
    "Preset",
    "entry_label",
    "evaluate",
    "family",
    "hyper_defaults",
    "hyperparams",
    "normalise",
    "ratio",
    "surface",
    "surface_axes",
    "value_at",
]

LETTERS = "ABCD"
MAX_ENTRIES = 4
MIN_ENTRIES = 2

Values = Mapping[str, float | None]


@dataclass(frozen=True, slots=True)
class Option:
    """One choosable entry kind of a domain: a registry loss called in a stated way."""

    id: str  # the URL value
    loss: str  # registry key: its hyperparameters, properties and teaching text
    name: str  # short name for legends ("Huber", "Contrastive, dissimilar (y = 0)")
    term: Term  # along the domain's native x
    surface: Term  # over the domain's (x, y)
    uses: tuple[str, ...] = ()  # shared sliders this option reads
    fixed: Mapping[str, float | None] = field(default_factory=dict)
    title: str = ""  # the caption under its selector (default: the loss's title)
    properties: Properties | None = None  # (default: the loss's)

    @property
    def caption(self) -> str:
        return self.title or REGISTRY[self.loss].title

    @property
    def props(self) -> Properties:
        return self.properties or REGISTRY[self.loss].properties


@dataclass(frozen=True, slots=True)
class Domain:
    key: str
    title: str
    description: str
    axes: tuple[Axis, ...]
    grad_label: str
    options: tuple[Option, ...]
    shared: tuple[Param, ...]
    surface_labels: tuple[str, str]
    surface_ranges: tuple[tuple[float, float], tuple[float, float]]
    surface_note: str
    defaults: tuple[tuple[str, Mapping[str, float | None]], ...]  # per slot, MAX_ENTRIES long
    default_n: int = 3

    def option(self, option_id: str) -> Option:
        for o in self.options:
            if o.id == option_id:
                return o
        allowed = ", ".join(o.id for o in self.options)
        raise ValueError(f"unknown entry {option_id!r} for domain {self.key!r}; allowed: {allowed}")

    def axis(self, key: str) -> Axis:
        for a in self.axes:
            if a.key == key:
                return a
        allowed = ", ".join(a.key for a in self.axes)
        raise ValueError(f"unknown x axis {key!r} for domain {self.key!r}; allowed: {allowed}")


def _build(decl: DomainDecl) -> Domain:
    """The domain with one option per join of a registry spec, in registry order."""
    options = []
    for spec in REGISTRY.values():
        for j in spec.joins:
            if j.domain != decl.key:
                continue
            term = j.term if j.term is not None else decl.term
            surf = j.surface if j.surface is not None else decl.surface
            if term is None or surf is None:
                raise ValueError(f"{spec.key} joins {decl.key} without a term or a surface")
            options.append(
                Option(
                    j.id or spec.key,
                    spec.key,
                    j.name,
                    term,
                    surf,
                    j.uses,
                    j.fixed,
                    j.title,
                    j.properties,
                )
            )
    lead = {oid: i for i, oid in enumerate(decl.lead)}
    options.sort(key=lambda o: lead.get(o.id, len(lead)))  # stable: registry order after
    return Domain(
        key=decl.key,
        title=decl.title,
        description=decl.description,
        axes=decl.axes,
        grad_label=decl.grad_label,
        options=tuple(options),
        shared=decl.shared,
        surface_labels=decl.surface_labels,
        surface_ranges=decl.surface_ranges,
        surface_note=decl.surface_note,
        defaults=decl.defaults,
        default_n=decl.default_n,
    )


DOMAINS: Mapping[str, Domain] = {d.key: _build(d) for d in _DECLS}


# --------------------------------------------------------------------------- helpers


def _decimals(step: float) -> int:
    if step >= 1:
        return 0
    return max(0, min(6, -math.floor(math.log10(step) + 1e-9)))


def _fmt(value: float, step: float) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.{_decimals(step)}f}"


def hyperparams(option: Option) -> tuple[Param, ...]:
    """The registry's hyperparameters of the entry's loss (its sliders), but the fixed ones."""
    return tuple(p for p in REGISTRY[option.loss].params if p.name not in option.fixed)


def hyper_defaults(option: Option) -> dict[str, float | None]:
    return {p.name: p.default for p in hyperparams(option)}


def _values(dom: Domain, opt: Option, params: Values, shared: Values | None) -> dict:
    spec = REGISTRY[opt.loss]
    return {
        **{p.name: p.default for p in spec.params},
        **{p.name: p.default for p in dom.shared},
        **(shared or {}),
        **params,
        **opt.fixed,
    }


# --------------------------------------------------------------------------- evaluation


def evaluate(
    domain: str,
    option_id: str,
    x: np.ndarray,
    params: Values,
    shared: Values | None = None,
    axis: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(loss, gradient) of one entry along the domain's x (float64, shaped like x)."""
    dom = DOMAINS[domain]
    opt = dom.option(option_id)
    ax = dom.axis(axis) if axis is not None else dom.axes[0]
    x = np.asarray(x, dtype=np.float64)
    coords = {"x": ax.to_native(x) if ax.to_native is not None else x}
    values = _values(dom, opt, params, shared)
    fns = REGISTRY[opt.loss].fns
    loss = opt.term.loss(fns, coords, values)
    grad = opt.term.deriv(fns, coords, values, "x")
    return (
        np.broadcast_to(loss, x.shape).astype(np.float64),
        np.broadcast_to(grad, x.shape).astype(np.float64),
    )


def family(
    domain: str,
    option_id: str,
    name: str,
    values: Sequence[float] | np.ndarray,
    x: np.ndarray,
    params: Values,
    shared: Values | None = None,
    axis: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(loss, gradient) of one entry at every value of ``name`` (a hyperparameter of the
    entry or a shared slider of the domain): arrays ``(len(values), len(x))``, in one
    evaluation with the parameter broadcast."""
    dom = DOMAINS[domain]
    opt = dom.option(option_id)
    ax = dom.axis(axis) if axis is not None else dom.axes[0]
    x = np.asarray(x, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)[:, None]
    if any(q.name == name and q.shape for q in (*REGISTRY[opt.loss].sliders, *dom.shared)):
        # K classes or negatives set the arguments' shape: one evaluation per value.
        members = [
            evaluate(domain, option_id, x, {**params, name: float(u)}, shared, axis)
            for u in v[:, 0]
        ]
        return np.stack([m[0] for m in members]), np.stack([m[1] for m in members])
    coords = {"x": (ax.to_native(x) if ax.to_native is not None else x)[None, :]}
    full = _values(dom, opt, params, shared)
    full[name] = v
    fns = REGISTRY[opt.loss].fns
    shape = (v.shape[0], x.size)
    loss = opt.term.loss(fns, coords, full)
    grad = opt.term.deriv(fns, coords, full, "x")
    return (
        np.broadcast_to(loss, shape).astype(np.float64),
        np.broadcast_to(grad, shape).astype(np.float64),
    )


def value_at(
    domain: str,
    option_id: str,
    x0: float,
    params: Values,
    shared: Values | None = None,
    axis: str | None = None,
) -> tuple[float, float]:
    """Exact (loss, gradient) of one entry at one input."""
    loss, grad = evaluate(domain, option_id, np.array([float(x0)]), params, shared, axis)
    return float(loss[0]), float(grad[0])


def surface_axes(domain: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    (x0, x1), (y0, y1) = DOMAINS[domain].surface_ranges
    return np.linspace(x0, x1, n), np.linspace(y0, y1, n)


def surface(
    domain: str, option_id: str, params: Values, shared: Values | None = None, n: int = 150
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, Z) of one entry over the domain's shared surface axes; Z has shape (n, n)."""
    dom = DOMAINS[domain]
    opt = dom.option(option_id)
    x, y = surface_axes(domain, n)
    X, Y = np.meshgrid(x, y)
    values = _values(dom, opt, params, shared)
    z = opt.surface.loss(REGISTRY[opt.loss].fns, {"x": X, "y": Y}, values)
    return x, y, np.broadcast_to(z, X.shape).astype(np.float64)


def ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b pointwise; NaN (a gap in the plot) where b is 0 or either is not finite."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    a, b = np.broadcast_arrays(a, b)
    ok = np.isfinite(a) & np.isfinite(b) & (b != 0.0)
    out = np.full(a.shape, np.nan)
    np.divide(a, b, out=out, where=ok)
    return out


def normalise(
    loss: np.ndarray, grad: np.ndarray, ref_value: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """(loss, grad) divided by the loss at the reference input; None if that value is 0 or ∞."""
    if not math.isfinite(ref_value) or ref_value == 0.0:
        return None
    return np.asarray(loss) / ref_value, np.asarray(grad) / ref_value


def entry_label(index: int, option: Option, params: Values) -> str:
    """The legend text of an entry, from the values that draw it: ``C: Focal γ = 2.0, α off``."""
    parts = []
    for p in hyperparams(option):
        v = params.get(p.name, p.default)
        parts.append(f"{p.symbol} off" if v is None else f"{p.symbol} = {_fmt(v, p.step)}")
    text = f"{LETTERS[index]}: {option.name}"
    if not parts:
        return text
    # "Huber δ = 0.50", but "Triplet, d₋ = x · m = 1.00" when the name has its own clauses.
    sep = " · " if any(c in option.name for c in ",=(") else " "
    return f"{text}{sep}{', '.join(parts)}"


# --------------------------------------------------------------------------- presets


_SEED_PRESETS: tuple[Preset, ...] = (
    Preset(
        "robust",
        "Robust regression",
        "regression",
        (("mse", {}), ("mae", {}), ("huber", {"delta": 1.0})),
        note="MSE vs MAE vs Huber δ = 1: how hard an outlier pulls (the gradient row).",
    ),
    Preset(
        "focal",
        "Focal vs cross-entropy",
        "binary",
        (
            ("binary_cross_entropy", {}),
            ("focal", {"gamma": 0.0, "alpha": None}),
            ("focal", {"gamma": 2.0, "alpha": None}),
            ("focal", {"gamma": 5.0, "alpha": None}),
        ),
        axis="p_t",
        note="Focal γ = 0, 2, 5 (no α) against cross-entropy, on the p_t axis of Lin et al. 2017.",
    ),
    Preset(
        "metric",
        "Contrastive vs triplet",
        "distance",
        (("contrastive_dissimilar", {"margin": 1.0}), ("triplet_neg", {"margin": 1.0})),
        shared={"d_pos": 0.5},
        baseline=1,
        log_ratio=False,
        note="Same margin m = 1, pushing a negative away: absolute vs relative margin.",
    ),
    Preset(
        "preference",
        "Bradley–Terry vs BCE",
        "preference",
        (
            ("bradley_terry", {"margin": 0.0}),
            ("binary_cross_entropy", {}),
            ("bradley_terry", {"margin": 1.0}),
        ),
        baseline=1,
        note="Bradley–Terry is BCE with label 1 on the score difference; m = 1 shifts it.",
    ),
)


def check_entries(domain: str, entries: Sequence[tuple[str, Values]]) -> None:
    """ValueError unless 2–4 entries, each an option of the domain."""
    if not MIN_ENTRIES <= len(entries) <= MAX_ENTRIES:
        raise ValueError(f"a comparison has 2 to 4 entries, got {len(entries)}")
    dom = DOMAINS[domain]
    for opt, _ in entries:
        dom.option(opt)


#: The seed's presets, then those the family modules declare (``<module>.PRESETS``).
PRESETS: tuple[Preset, ...] = _SEED_PRESETS + tuple(
    p for module in FAMILY_MODULES for p in getattr(module, "PRESETS", ())
)

for _p in PRESETS:  # the presets are data: check them once at import
    check_entries(_p.domain, _p.entries)
del _p
