"""Pure computation of the Compare page: shared input domains, entries, ratios, normalisation.

A comparison puts 2–4 *entries* on one shared input *domain*. An entry is an
:class:`Option` of that domain (a registry loss, possibly evaluated in a
particular way, e.g. contrastive loss on a dissimilar pair) with its own values
of the registry's hyperparameters, so the same loss may appear twice.

Every value comes from the core losses, through the registry's curve
``evaluate`` functions where they fit (regression, binary, softmax, contrastive,
triplet along d₊, Bradley–Terry) and straight from :mod:`lossviz.losses`
otherwise. How each loss is evaluated along the domain's x is stated in
:attr:`Domain.description`, which the page shows.

Pure Python + NumPy: no streamlit, no plotly.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from lossviz import losses
from lossviz.registry import REGISTRY, Param

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
P_EDGE = 1e-3  # the p_t axis spans [P_EDGE, 1 − P_EDGE] (logits ±6.9)

Values = Mapping[str, float | None]
# (x in the evaluating function's native units, hyperparameters, shared sliders) -> (loss, grad)
CurveFn = Callable[[np.ndarray, Values, Values], tuple[np.ndarray, np.ndarray]]
# (X, Y meshgrids, hyperparameters, shared sliders) -> loss
SurfaceFn = Callable[[np.ndarray, np.ndarray, Values, Values], np.ndarray]


@dataclass(frozen=True, slots=True)
class Option:
    """One choosable entry kind of a domain: a registry loss evaluated in a stated way."""

    id: str  # the URL value
    loss: str  # registry key: its hyperparameters, properties and teaching text
    name: str  # short name for legends ("Huber", "Contrastive, dissimilar (y = 0)")
    curve: CurveFn
    surface: SurfaceFn
    uses: tuple[str, ...] = ()  # shared sliders this option reads


@dataclass(frozen=True, slots=True)
class Axis:
    """An x axis of a domain (the binary domain has two: logit and p_t)."""

    key: str
    label: str
    range: tuple[float, float]
    reference: float  # default reference input of the normalised mode
    probe: float  # default point of the value/gradient table
    step: float
    to_native: Callable[[np.ndarray], np.ndarray] | None = None  # x -> evaluating input
    markers: tuple[tuple[float, str], ...] = ()  # drawn on the ratio view
    symbol: str = "x"  # short name in labels: ℓ(r = 1.00)


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


# --------------------------------------------------------------------------- helpers


def _decimals(step: float) -> int:
    if step >= 1:
        return 0
    return max(0, min(6, -math.floor(math.log10(step) + 1e-9)))


def _fmt(value: float, step: float) -> str:
    return f"{value:.{_decimals(step)}f}"


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.asarray(p, dtype=np.float64)
    return np.log(p) - np.log1p(-p)


def _branch(key: str, index: int, x: np.ndarray, params: Values) -> tuple[np.ndarray, np.ndarray]:
    """Branch ``index`` of the registry curve of ``key``: (loss, derivative along x)."""
    b = REGISTRY[key].curve.evaluate(np.asarray(x, dtype=np.float64), params)[index]
    return np.asarray(b.loss, dtype=np.float64), np.asarray(b.grad, dtype=np.float64)


def hyperparams(option: Option) -> tuple[Param, ...]:
    """The registry's hyperparameters of the entry's loss (its sliders)."""
    return REGISTRY[option.loss].params


def hyper_defaults(option: Option) -> dict[str, float | None]:
    return {p.name: p.default for p in hyperparams(option)}


def _focal_kw(params: Values) -> dict:
    return {"gamma": params["gamma"], "alpha": params["alpha"]}


# --------------------------------------------------------------------------- regression


def _regression_option(key: str, name: str) -> Option:
    def curve(x, params, _shared):
        return _branch(key, 0, x, params)  # ℓ(0, r), dℓ/dr = ∂ℓ/∂ŷ

    def surf(r1, r2, params, _shared):
        kw = {"delta": params["delta"]} if key == "huber" else {}
        fn = getattr(losses, key)
        # Two outputs, each with its own residual: ℓ(r₁) + ℓ(r₂).
        return fn(0.0, r1, **kw) + fn(0.0, r2, **kw)

    return Option(key, key, name, curve, surf)


# --------------------------------------------------------------------------- binary


def _binary_curve(key: str) -> CurveFn:
    def curve(z, params, _shared):
        return _branch(key, 0, z, params)  # branch 0 is label y = 1

    return curve


def _bce_surface(z, y, _params, _shared):
    return losses.binary_cross_entropy(y, z)


def _focal_surface(z, y, params, _shared):
    return losses.focal(y, z, **_focal_kw(params))


# --------------------------------------------------------------------------- 3-class logits


def _softmax_curve(z0, params, shared):
    scene = {"n_classes": 3.0, "other_logit_1": shared["z1"], "other_logit_2": shared["z2"]}
    return _branch("categorical_cross_entropy", 0, z0, {**params, **scene})


def _softmax_surface(z0, z1, _params, shared):
    z0, z1 = np.broadcast_arrays(np.asarray(z0, dtype=np.float64), np.asarray(z1, dtype=np.float64))
    logits = np.stack([z0, z1, np.full_like(z0, shared["z2"])], axis=-1)
    return losses.categorical_cross_entropy(np.array([1.0, 0.0, 0.0]), logits)


def _ova_curve(key: str) -> CurveFn:
    fn = getattr(losses, key)

    def curve(z0, params, shared):
        kw = _focal_kw(params) if key == "focal" else {}
        loss, grad = _branch(key, 0, z0, params)  # true class: label 1 on z₀
        rest = fn(0.0, shared["z1"], **kw) + fn(0.0, shared["z2"], **kw)  # constant along z₀
        return loss + rest, grad

    return curve


def _ova_surface(key: str) -> SurfaceFn:
    fn = getattr(losses, key)

    def surf(z0, z1, params, shared):
        kw = _focal_kw(params) if key == "focal" else {}
        return fn(1.0, z0, **kw) + fn(0.0, z1, **kw) + fn(0.0, shared["z2"], **kw)

    return surf


# --------------------------------------------------------------------------- distance


def _contrastive_curve(index: int) -> CurveFn:
    def curve(d, params, _shared):
        return _branch("contrastive", index, d, params)  # 0: y = 1 similar, 1: y = 0 dissimilar

    return curve


def _contrastive_surface(d_pos, d_neg, params, _shared):
    # The two pairs of one triplet: similar (anchor, positive) + dissimilar (anchor, negative).
    m = params["margin"]
    return losses.contrastive(1.0, d_pos, margin=m) + losses.contrastive(0.0, d_neg, margin=m)


def _triplet_along_pos(d, params, shared):
    # The registry curve runs along x = d₊ − d₋ with d₋ fixed: evaluate it at d − d₋.
    d_neg = float(shared["d_neg"])
    return _branch("triplet", 0, np.asarray(d) - d_neg, {**params, "d_neg": d_neg})


def _triplet_along_neg(d, params, shared):
    d = np.asarray(d, dtype=np.float64)
    m = params["margin"]
    d_pos = float(shared["d_pos"])
    return losses.triplet(d_pos, d, margin=m), losses.triplet_grad(d_pos, d, margin=m)[1]


def _triplet_surface(d_pos, d_neg, params, _shared):
    return losses.triplet(d_pos, d_neg, margin=params["margin"])


# --------------------------------------------------------------------------- preference


def _bt_curve(dr, params, _shared):
    return _branch("bradley_terry", 0, dr, params)  # bradley_terry(Δr, 0, margin=m)


def _bt_surface(rc, rr, params, _shared):
    return losses.bradley_terry(rc, rr, margin=params["margin"])


def _bce_dr_curve(dr, params, _shared):
    return _branch("binary_cross_entropy", 0, dr, params)  # BCE(1, Δr)


def _bce_dr_surface(rc, rr, _params, _shared):
    return losses.binary_cross_entropy(1.0, np.asarray(rc) - np.asarray(rr))


# --------------------------------------------------------------------------- domains

_CCE_SCENE = {p.name: p for p in REGISTRY["categorical_cross_entropy"].curve.scene}


def _shared(base: Param, name: str) -> Param:
    return dataclasses.replace(base, name=name)


_D_POS = Param(
    "d_pos",
    "d₊",
    "d_{+}",
    0.5,
    0.0,
    3.0,
    0.05,
    "Anchor–positive distance d₊, held fixed while a triplet entry moves the negative (d₋ = x).",
)
_D_NEG = Param(
    "d_neg",
    "d₋",
    "d_{-}",
    2.0,
    0.0,
    3.0,
    0.05,
    "Anchor–negative distance d₋, held fixed while a triplet entry moves the positive (d₊ = x).",
)

_NO_ALPHA = {"gamma": 2.0, "alpha": None}

DOMAINS: Mapping[str, Domain] = {
    d.key: d
    for d in (
        Domain(
            key="regression",
            title="Regression residual",
            description=(
                "Each loss at target y = 0 and prediction ŷ = r, so x is the residual "
                "r = ŷ − y; the gradient is ∂ℓ/∂ŷ."
            ),
            axes=(Axis("r", "residual r = ŷ − y", (-4.0, 4.0), 1.0, 2.0, 0.05, symbol="r"),),
            grad_label="∂ℓ/∂ŷ",
            options=(
                _regression_option("mse", "MSE"),
                _regression_option("mae", "MAE"),
                _regression_option("huber", "Huber"),
            ),
            shared=(),
            surface_labels=("residual r₁ (output 1)", "residual r₂ (output 2)"),
            surface_ranges=((-4.0, 4.0), (-4.0, 4.0)),
            surface_note="Surfaces: a prediction with two outputs, loss ℓ(r₁) + ℓ(r₂).",
            defaults=(
                ("mse", {}),
                ("mae", {}),
                ("huber", {"delta": 1.0}),
                ("huber", {"delta": 2.0}),
            ),
        ),
        Domain(
            key="binary",
            title="Binary logit or probability",
            description=(
                "Each loss at label y = 1 along the logit z, so p_t = p = σ(z). On the p_t axis "
                "the losses are evaluated at z = log(p_t / (1 − p_t)); the gradient is ∂ℓ/∂z "
                "(what back-propagation hands the model) on both axes."
            ),
            axes=(
                Axis(
                    "logit",
                    "logit z (label y = 1, p_t = σ(z))",
                    (-8.0, 8.0),
                    0.0,
                    2.0,
                    0.05,
                    symbol="z",
                ),
                Axis(
                    "p_t",
                    "p_t = σ(z), the probability of the true class (y = 1)",
                    (P_EDGE, 1.0 - P_EDGE),
                    0.5,
                    0.9,
                    0.001,
                    to_native=_logit,
                    markers=((0.9, "p_t = 0.9"), (0.968, "p_t = 0.968")),
                    symbol="p_t",
                ),
            ),
            grad_label="∂ℓ/∂z",
            options=(
                Option(
                    "binary_cross_entropy",
                    "binary_cross_entropy",
                    "BCE",
                    _binary_curve("binary_cross_entropy"),
                    _bce_surface,
                ),
                Option("focal", "focal", "Focal", _binary_curve("focal"), _focal_surface),
            ),
            shared=(),
            surface_labels=("logit z", "label y (soft labels in between)"),
            surface_ranges=((-8.0, 8.0), (0.0, 1.0)),
            surface_note="Surfaces: over the logit z and the label y (soft labels in between).",
            defaults=(
                ("binary_cross_entropy", {}),
                ("focal", {"gamma": 0.0, "alpha": None}),
                ("focal", _NO_ALPHA),
                ("focal", {"gamma": 5.0, "alpha": None}),
            ),
            default_n=3,
        ),
        Domain(
            key="multiclass",
            title="3-class logits",
            description=(
                "Three classes, true class 0, logits (z₀, z₁, z₂) with z₁ and z₂ set in the "
                "sidebar; x is the true-class logit z₀. Softmax cross-entropy, or a sigmoid loss "
                "applied one-vs-all and summed over the three classes (as RetinaNet applies "
                "focal loss): ℓ(1, z₀) + ℓ(0, z₁) + ℓ(0, z₂). The gradient is ∂ℓ/∂z₀."
            ),
            axes=(Axis("z0", "true-class logit z₀", (-6.0, 6.0), 0.0, 1.0, 0.05, symbol="z₀"),),
            grad_label="∂ℓ/∂z₀",
            options=(
                Option(
                    "categorical_cross_entropy",
                    "categorical_cross_entropy",
                    "Softmax CE",
                    _softmax_curve,
                    _softmax_surface,
                    ("z1", "z2"),
                ),
                Option(
                    "binary_cross_entropy",
                    "binary_cross_entropy",
                    "One-vs-all BCE",
                    _ova_curve("binary_cross_entropy"),
                    _ova_surface("binary_cross_entropy"),
                    ("z1", "z2"),
                ),
                Option(
                    "focal",
                    "focal",
                    "One-vs-all focal",
                    _ova_curve("focal"),
                    _ova_surface("focal"),
                    ("z1", "z2"),
                ),
            ),
            shared=(
                _shared(_CCE_SCENE["other_logit_1"], "z1"),
                _shared(_CCE_SCENE["other_logit_2"], "z2"),
            ),
            surface_labels=("true-class logit z₀", "logit z₁ (z₂ from the sidebar)"),
            surface_ranges=((-5.0, 5.0), (-5.0, 5.0)),
            surface_note="Surfaces: over (z₀, z₁), with z₂ from the sidebar; true class 0.",
            defaults=(
                ("categorical_cross_entropy", {}),
                ("binary_cross_entropy", {}),
                ("focal", _NO_ALPHA),
                ("focal", {"gamma": 5.0, "alpha": None}),
            ),
        ),
        Domain(
            key="distance",
            title="Distance",
            description=(
                "x is the distance d of the pair being moved. Contrastive loss per pair: a "
                "similar pair (y = 1) costs d², a dissimilar pair (y = 0) max(0, m − d)². "
                "Triplet loss max(0, d₊ − d₋ + m) moving the negative (d₋ = x, d₊ fixed in the "
                "sidebar) or moving the positive (d₊ = x, d₋ fixed). The gradient is dℓ/dd."
            ),
            axes=(
                Axis(
                    "d",
                    "distance d of the pair being moved",
                    (0.0, 3.0),
                    0.5,
                    0.8,
                    0.05,
                    symbol="d",
                ),
            ),
            grad_label="dℓ/dd",
            options=(
                Option(
                    "contrastive_dissimilar",
                    "contrastive",
                    "Contrastive, dissimilar (y = 0)",
                    _contrastive_curve(1),
                    _contrastive_surface,
                ),
                Option(
                    "contrastive_similar",
                    "contrastive",
                    "Contrastive, similar (y = 1)",
                    _contrastive_curve(0),
                    _contrastive_surface,
                ),
                Option(
                    "triplet_neg",
                    "triplet",
                    "Triplet, d₋ = x",
                    _triplet_along_neg,
                    _triplet_surface,
                    ("d_pos",),
                ),
                Option(
                    "triplet_pos",
                    "triplet",
                    "Triplet, d₊ = x",
                    _triplet_along_pos,
                    _triplet_surface,
                    ("d_neg",),
                ),
            ),
            shared=(_D_POS, _D_NEG),
            surface_labels=("d₊ (anchor–positive)", "d₋ (anchor–negative)"),
            surface_ranges=((0.0, 3.0), (0.0, 3.0)),
            surface_note=(
                "Surfaces: one triplet's two pairs over (d₊, d₋). Contrastive entries sum their "
                "similar-pair term d₊² and dissimilar-pair term max(0, m − d₋)²; triplet "
                "entries show max(0, d₊ − d₋ + m)."
            ),
            defaults=(
                ("contrastive_dissimilar", {"margin": 1.0}),
                ("triplet_neg", {"margin": 1.0}),
                ("contrastive_similar", {"margin": 1.0}),
                ("triplet_pos", {"margin": 1.0}),
            ),
            default_n=2,
        ),
        Domain(
            key="preference",
            title="Preference margin Δr",
            description=(
                "x is the score gap Δr = r_c − r_r. Bradley–Terry is bradley_terry(Δr, 0, m) "
                "= −log σ(Δr − m); binary cross-entropy is BCE(1, Δr), label 1 on the logit Δr. "
                "The gradient is dℓ/dΔr."
            ),
            axes=(
                Axis("dr", "score gap Δr = r_c − r_r", (-6.0, 6.0), 0.0, 1.0, 0.05, symbol="Δr"),
            ),
            grad_label="dℓ/dΔr",
            options=(
                Option("bradley_terry", "bradley_terry", "Bradley–Terry", _bt_curve, _bt_surface),
                Option(
                    "binary_cross_entropy",
                    "binary_cross_entropy",
                    "BCE(1, Δr)",
                    _bce_dr_curve,
                    _bce_dr_surface,
                ),
            ),
            shared=(),
            surface_labels=("r_c (chosen score)", "r_r (rejected score)"),
            surface_ranges=((-5.0, 5.0), (-5.0, 5.0)),
            surface_note="Surfaces: over the two scores (r_c, r_r); only their difference matters.",
            defaults=(
                ("bradley_terry", {"margin": 0.0}),
                ("binary_cross_entropy", {}),
                ("bradley_terry", {"margin": 1.0}),
                ("bradley_terry", {"margin": -1.0}),
            ),
        ),
    )
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
    native = ax.to_native(x) if ax.to_native is not None else x
    full = {**hyper_defaults(opt), **params}
    shared_full = {**{p.name: p.default for p in dom.shared}, **(shared or {})}
    loss, grad = opt.curve(native, full, shared_full)
    return np.asarray(loss, dtype=np.float64), np.asarray(grad, dtype=np.float64)


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
    full = {**hyper_defaults(opt), **params}
    shared_full = {**{p.name: p.default for p in dom.shared}, **(shared or {})}
    z = np.asarray(opt.surface(X, Y, full, shared_full), dtype=np.float64)
    return x, y, np.broadcast_to(z, X.shape).copy()


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


@dataclass(frozen=True, slots=True)
class Preset:
    key: str
    title: str
    domain: str
    entries: tuple[tuple[str, Mapping[str, float | None]], ...]
    baseline: int = 0
    axis: str | None = None
    log_ratio: bool = True
    shared: Mapping[str, float] = field(default_factory=dict)
    note: str = ""


PRESETS: tuple[Preset, ...] = (
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


for _p in PRESETS:  # the presets are data: check them once at import
    check_entries(_p.domain, _p.entries)
del _p
