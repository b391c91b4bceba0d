"""Metadata for every loss: the single source the UI is generated from.

Each :class:`LossSpec` carries what a page needs to show one loss: its formula
and gradient in LaTeX, its hyperparameters as slider specs (names and defaults
exactly those of the function), its arguments and their domains, teaching text
(one-liner, when to use it, pitfalls, references), a few true/false properties,
and two views:

* a :class:`Curve`: the loss (and its derivative) along one interesting
  variable, possibly as several branches (e.g. label 1 and label 0), with
  markers at the regime changes (kinks, margins, p = ½);
* a :class:`Surface`: the loss over two variables on a meshgrid.

Both views are pure, vectorised NumPy functions of the arrays and a mapping of
parameter values (the hyperparameters and the curve's scene sliders by name,
as returned by :func:`defaults`). Pure Python + NumPy: no streamlit, no plotly.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from lossviz import losses

__all__ = [
    "KL_GRID",
    "PROPERTY_ROWS",
    "REGISTRY",
    "Branch",
    "Curve",
    "Depends",
    "Family",
    "Input",
    "LossSpec",
    "Marker",
    "Param",
    "Properties",
    "Reference",
    "Surface",
    "defaults",
    "gaussian_kl",
    "gaussian_pair",
    "get",
    "hyper",
]

Family = Literal["regression", "classification", "divergence", "metric", "preference"]

INF = math.inf


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True, slots=True)
class Param:
    """A slider: a keyword hyperparameter of the loss or a scene variable of a view."""

    name: str
    symbol: str
    latex: str
    default: float
    min: float
    max: float
    step: float
    help: str
    optional: bool = False  # only focal alpha: the UI offers "no α weighting" (None)


@dataclass(frozen=True, slots=True)
class Input:
    """A positional argument of the loss function and its domain."""

    name: str
    symbol: str
    meaning: str
    domain: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Reference:
    authors: str
    title: str
    year: int
    venue: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Depends:
    """A property that holds for some hyperparameter values only.

    ``holds(params)`` says whether it holds at those values; ``when`` says in words
    for which values it does ("γ = 0 only"), so a table can show "no (γ = 0 only)".
    """

    holds: Callable[[Mapping[str, float | None]], bool]
    when: str


#: The yes/no properties, in the order the tables show them, with their row titles.
PROPERTY_ROWS: tuple[tuple[str, str], ...] = (
    ("convex", "convex"),
    ("bounded_gradient", "bounded gradient"),
    ("robust_to_outliers", "robust to outliers"),
    ("differentiable_everywhere", "differentiable everywhere"),
)


@dataclass(frozen=True, slots=True)
class Properties:
    """Properties of the loss as a function of its prediction argument(s).

    Each yes/no property is a bool, or a :class:`Depends` where it holds for some
    hyperparameter values only; :meth:`at` evaluates them for given values.
    """

    convex: bool | Depends
    bounded_gradient: bool | Depends
    robust_to_outliers: bool | Depends
    differentiable_everywhere: bool | Depends
    typical_use: str

    def at(self, params: Mapping[str, float | None]) -> dict[str, tuple[bool, str]]:
        """``{property: (holds at these values, when it holds if that depends on them)}``."""
        out = {}
        for name, _ in PROPERTY_ROWS:
            v = getattr(self, name)
            out[name] = (bool(v.holds(params)), v.when) if isinstance(v, Depends) else (v, "")
        return out

    def cells(self, params: Mapping[str, float | None]) -> dict[str, str]:
        """``{row title: "yes" | "no" | "no (γ = 0 only)"}`` at these values, for tables."""
        cells = {}
        for name, title in PROPERTY_ROWS:
            holds, when = self.at(params)[name]
            word = "yes" if holds else "no"
            cells[title] = f"{word} ({when})" if when else word
        return cells


@dataclass(frozen=True, slots=True, eq=False)  # eq on arrays would be ambiguous
class Branch:
    """One plotted line of a curve view."""

    name: str
    loss: np.ndarray
    grad: np.ndarray  # derivative of ``loss`` along the curve's x variable


@dataclass(frozen=True, slots=True)
class Marker:
    """A regime change to mark on a curve (kink, margin, p = ½, ...)."""

    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Curve:
    x_label: str
    x_range: tuple[float, float]
    scene: tuple[Param, ...]
    evaluate: Callable[[np.ndarray, Mapping[str, float]], tuple[Branch, ...]]
    markers: Callable[[Mapping[str, float]], tuple[Marker, ...]]
    #: What the gradient row plots: the derivative of each branch along x.
    grad_label: str = "gradient"
    loss_label: str = "loss"


@dataclass(frozen=True, slots=True)
class Surface:
    x_label: str
    y_label: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    evaluate: Callable[[np.ndarray, np.ndarray, Mapping[str, float]], np.ndarray]
    #: The parameter (hyperparameter or scene slider) on the y axis, if any: the
    #: surface does not depend on its value, and the view marks its current value.
    y_param: str | None = None
    #: The parameters the surface reads (None: all but ``y_param``); a view leaves the
    #: others out of its title and its cache key, so moving them keeps the figure.
    uses: tuple[str, ...] | None = None
    z_label: str = "loss"
    #: Axis titles short enough for a 3-D scene, which clips long ones ("δ", "p_t").
    x_short: str = ""
    y_short: str = ""
    #: Colour by decades (log₁₀ of the loss) where the loss spans orders of magnitude.
    log_colour: bool = False
    #: Both axes are the same quantity (two residuals, two distances, two scores):
    #: draw them to the same scale, so the loss's symmetry shows.
    equal_axes: bool = False


@dataclass(frozen=True, slots=True)
class LossSpec:
    key: str
    title: str
    family: Family
    fn: Callable
    grad: Callable
    latex: str
    grad_latex: str
    params: tuple[Param, ...]
    inputs: tuple[Input, ...]
    one_liner: str
    when_to_use: str
    pitfalls: tuple[str, ...]
    references: tuple[Reference, ...]
    properties: Properties
    curve: Curve
    surface: Surface


# --------------------------------------------------------------------------- helpers


def hyper(spec: LossSpec, params: Mapping[str, float | None]) -> dict[str, float | None]:
    """The keyword arguments for ``spec.fn`` out of a mapping that may also hold scene values.

    Missing hyperparameters take their defaults; focal ``alpha`` may be None.
    """
    return {p.name: params.get(p.name, p.default) for p in spec.params}


def defaults(spec: LossSpec) -> dict[str, float | None]:
    """Default values of the hyperparameters and of the curve's scene sliders, by name."""
    return {p.name: p.default for p in (*spec.params, *spec.curve.scene)}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # tanh form: never overflows, no warnings for any finite x.
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _logsumexp(a: np.ndarray, axis: int = -1) -> np.ndarray:
    # Max subtracted so that exp never overflows.
    m = np.max(a, axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(a - m), axis=axis))


#: The fixed grid on which the KL view discretises its two Gaussians.
KL_GRID: np.ndarray = np.linspace(-20.0, 20.0, 1601)
KL_GRID.flags.writeable = False


def _gaussian_logpmf(mu: np.ndarray | float, sigma: np.ndarray | float) -> np.ndarray:
    """log of N(mu, sigma²) discretised on KL_GRID and normalised, shape mu.shape + (1601,).

    Computed in log space: far from its mean a narrow Gaussian underflows to 0 in
    float64 (e.g. σ = 0.2 at 15 from the mean: e^-2812), which would make a
    finite discrete KL print as +inf.
    """
    mu = np.asarray(mu, dtype=np.float64)[..., None]
    sigma = np.asarray(sigma, dtype=np.float64)[..., None]
    logits = -0.5 * ((KL_GRID - mu) / sigma) ** 2
    return logits - _logsumexp(logits)[..., None]


def gaussian_pair(
    mu_p: float, sigma_p: float, mu_q: float, sigma_q: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(grid, p, q): the KL view's Gaussians P and Q discretised on KL_GRID, each summing to 1."""
    p = np.exp(_gaussian_logpmf(mu_p, sigma_p))
    q = np.exp(_gaussian_logpmf(mu_q, sigma_q))
    return KL_GRID.copy(), p, q


def gaussian_kl(mu_p, sigma_p, mu_q, sigma_q) -> np.ndarray:
    """Closed-form KL(N(μ_P, σ_P²) ‖ N(μ_Q, σ_Q²)) of continuous Gaussians, in nats."""
    mu_p, sigma_p, mu_q, sigma_q = (
        np.asarray(a, dtype=np.float64) for a in (mu_p, sigma_p, mu_q, sigma_q)
    )
    return np.log(sigma_q / sigma_p) + (sigma_p**2 + (mu_p - mu_q) ** 2) / (2.0 * sigma_q**2) - 0.5


def _fmt(v: float) -> str:
    return f"{v:.2f}"


def _no_markers(_params: Mapping[str, float]) -> tuple[Marker, ...]:
    return ()


# --------------------------------------------------------------------------- regression

_R_LABEL = "residual r = ŷ − y"
_R_RANGE = (-4.0, 4.0)
# Huber's surface is over (r, δ): it moves from MAE-like (small δ) to ½r² (large δ)
# along the δ axis. MSE and MAE have no hyperparameter, so theirs are over two
# residuals: the mean loss of a prediction with two outputs, where MSE's round
# bowl and MAE's diamond with its creases at r₁ = 0 and r₂ = 0 show.
_RD_Y_RANGE = (0.05, 5.0)
_R1_LABEL = "residual r₁ = ŷ₁ − y₁ (output 1)"
_R2_LABEL = "residual r₂ = ŷ₂ − y₂ (output 2)"


def _regression_curve(key: str) -> Callable:
    fn = getattr(losses, key)
    grad = getattr(losses, key + "_grad")

    def evaluate(x: np.ndarray, params: Mapping[str, float]) -> tuple[Branch, ...]:
        kw = {"delta": params["delta"]} if key == "huber" else {}
        x = np.asarray(x, dtype=np.float64)
        # y_true = 0, y_pred = x, so dℓ/dx = ∂ℓ/∂ŷ.
        return (
            Branch(
                key.upper() if key != "huber" else "Huber", fn(0.0, x, **kw), grad(0.0, x, **kw)
            ),
        )

    return evaluate


def _two_residuals(key: str) -> Callable:
    fn = getattr(losses, key)

    def evaluate(r1: np.ndarray, r2: np.ndarray, _params: Mapping[str, float]) -> np.ndarray:
        # Targets 0, predictions (r₁, r₂): the mean of the two outputs' losses.
        return 0.5 * (fn(0.0, r1) + fn(0.0, r2))

    return evaluate


def _huber_markers(params: Mapping[str, float]) -> tuple[Marker, ...]:
    d = float(params["delta"])
    return (Marker(-d, f"−δ = {_fmt(-d)}"), Marker(d, f"+δ = {_fmt(d)}"))


def _mae_markers(_params: Mapping[str, float]) -> tuple[Marker, ...]:
    return (Marker(0.0, "subgradient 0 at r = 0"),)


def _huber_surface(r: np.ndarray, delta: np.ndarray, _params: Mapping[str, float]) -> np.ndarray:
    return losses.huber(0.0, r, delta=delta)  # δ broadcasts over the grid like r


def _two_residual_surface(key: str) -> Surface:
    return Surface(
        x_label=_R1_LABEL,
        y_label=_R2_LABEL,
        x_range=_R_RANGE,
        y_range=_R_RANGE,
        evaluate=_two_residuals(key),
        z_label="mean loss ½(ℓ(r₁) + ℓ(r₂))",
        equal_axes=True,
        x_short="r₁",
        y_short="r₂",
    )


# --------------------------------------------------------------------------- classification

_Z_LABEL = "logit z (p = σ(z))"
_Z_RANGE = (-8.0, 8.0)


def _half_marker(_params: Mapping[str, float]) -> tuple[Marker, ...]:
    return (Marker(0.0, "z = 0 (p = 0.5)"),)


def _bce_curve(x: np.ndarray, params: Mapping[str, float]) -> tuple[Branch, ...]:
    x = np.asarray(x, dtype=np.float64)
    w = params.get("pos_weight", 1.0)
    return tuple(
        Branch(
            f"y = {y}",
            losses.binary_cross_entropy(float(y), x, pos_weight=w),
            losses.binary_cross_entropy_grad(float(y), x, pos_weight=w),
        )
        for y in (1, 0)
    )


def _bce_surface(z: np.ndarray, y: np.ndarray, params: Mapping[str, float]) -> np.ndarray:
    return losses.binary_cross_entropy(y, z, pos_weight=params.get("pos_weight", 1.0))


def _focal_curve(x: np.ndarray, params: Mapping[str, float]) -> tuple[Branch, ...]:
    x = np.asarray(x, dtype=np.float64)
    kw = {"gamma": params["gamma"], "alpha": params["alpha"]}
    return tuple(
        Branch(f"y = {y}", losses.focal(float(y), x, **kw), losses.focal_grad(float(y), x, **kw))
        for y in (1, 0)
    )


def _focal_surface(pt: np.ndarray, gamma: np.ndarray, _params: Mapping[str, float]) -> np.ndarray:
    # A positive (y = 1) at p = p_t, so the logit is log(p_t / (1 − p_t)); without α,
    # which only scales every value by α_t (the surface's `uses` says it reads nothing).
    pt = np.asarray(pt, dtype=np.float64)
    return losses.focal(1.0, np.log(pt) - np.log1p(-pt), gamma=gamma, alpha=None)


def _cce_logits(z0: np.ndarray, params: Mapping[str, float]) -> np.ndarray:
    """Logits (..., K): [z₀, other_logit_1, other_logit_2, 0, ..., 0].

    other_logit_2 is unused for K = 2.
    """
    k = round(float(params["n_classes"]))
    others = np.zeros(k - 1)
    others[0] = params["other_logit_1"]
    if k >= 3:
        others[1] = params["other_logit_2"]
    z0 = np.asarray(z0, dtype=np.float64)[..., None]
    return np.concatenate([z0, np.broadcast_to(others, (*z0.shape[:-1], k - 1))], axis=-1)


def _cce_curve(x: np.ndarray, params: Mapping[str, float]) -> tuple[Branch, ...]:
    logits = _cce_logits(x, params)
    labels = np.zeros(logits.shape[-1])
    labels[0] = 1.0
    eps = params.get("label_smoothing", 0.0)
    loss = losses.categorical_cross_entropy(labels, logits, label_smoothing=eps)
    grad = losses.categorical_cross_entropy_grad(labels, logits, label_smoothing=eps)[..., 0]
    return (Branch("true class 0", loss, grad),)


def _cce_markers(params: Mapping[str, float]) -> tuple[Marker, ...]:
    others = _cce_logits(np.zeros(1), params)[0, 1:]
    # p₀ = e^{z₀} / (e^{z₀} + Σ_{k≠0} e^{z_k}) = ½  ⇔  z₀ = log Σ_{k≠0} e^{z_k}.
    tie = float(_logsumexp(others))
    return (Marker(tie, f"p₀ = ½ at z₀ = ln Σ<sub>k≥1</sub> exp(z<sub>k</sub>) = {_fmt(tie)}"),)


def _cce_surface(z0: np.ndarray, z1: np.ndarray, params: Mapping[str, float]) -> np.ndarray:
    # The curve's logits [z₀, z₁, z₂, 0, …] (K from its slider) with z₁ = the y axis.
    z0, z1 = np.broadcast_arrays(np.asarray(z0, dtype=np.float64), np.asarray(z1, dtype=np.float64))
    logits = _cce_logits(z0, {**params, "other_logit_1": 0.0})
    logits[..., 1] = z1
    labels = np.zeros(logits.shape[-1])
    labels[0] = 1.0
    eps = params.get("label_smoothing", 0.0)
    return losses.categorical_cross_entropy(labels, logits, label_smoothing=eps)


# --------------------------------------------------------------------------- divergence


def _kl_curve(x: np.ndarray, params: Mapping[str, float]) -> tuple[Branch, ...]:
    """KL(P‖Q) and KL(Q‖P) of the discretised Gaussians as μ_Q = x varies.

    The value is exactly what ``losses.kl_divergence(p, q)`` computes on the
    discretised distributions (tests check it), but in log space so that a q
    that underflows to 0 in the far tail does not turn a finite KL into +inf.
    Derivatives w.r.t. μ_Q, exact for the discrete distributions: with
    s_i = ∂ log q_i / ∂μ_Q = (x_i − E_q[x]) / σ_Q²,
      ∂KL(P‖Q)/∂μ_Q = −Σ p_i s_i = (E_q[x] − E_p[x]) / σ_Q²,
      ∂KL(Q‖P)/∂μ_Q = Σ q_i s_i (log q_i − log p_i)   (as Σ q_i s_i = 0).
    """
    x = np.asarray(x, dtype=np.float64)
    sigma_q = float(params["sigma_q"])
    logp = _gaussian_logpmf(params["mu_p"], params["sigma_p"])  # (1601,)
    logq = _gaussian_logpmf(x, sigma_q)  # x.shape + (1601,)
    p, q = np.exp(logp), np.exp(logq)
    diff = logp - logq
    kl_pq = np.sum(p * diff, axis=-1)
    kl_qp = np.sum(q * -diff, axis=-1)
    mean_q = np.sum(q * KL_GRID, axis=-1)
    mean_p = float(np.sum(p * KL_GRID))
    grad_pq = (mean_q - mean_p) / sigma_q**2
    s = (KL_GRID - mean_q[..., None]) / sigma_q**2
    grad_qp = np.sum(q * s * -diff, axis=-1)
    return (Branch("KL(P‖Q)", kl_pq, grad_pq), Branch("KL(Q‖P)", kl_qp, grad_qp))


def _kl_markers(params: Mapping[str, float]) -> tuple[Marker, ...]:
    mu = float(params["mu_p"])
    return (Marker(mu, f"μ_Q = μ_P = {_fmt(mu)}"),)


def _kl_surface(mu_q: np.ndarray, sigma_q: np.ndarray, params: Mapping[str, float]) -> np.ndarray:
    # Closed form for continuous Gaussians: ~1 ms for 200×200, where the discretised
    # sum over 1601 grid points costs ~0.5–1.5 s. The two agree to 1e-3 while both
    # Gaussians lie inside the grid with 5σ to spare (|μ| + 5σ ≤ 20, tested), which
    # every slider setting satisfies (|μ| ≤ 5, σ ≤ 3).
    return gaussian_kl(params["mu_p"], params["sigma_p"], mu_q, sigma_q)


# --------------------------------------------------------------------------- metric


def _contrastive_curve(x: np.ndarray, params: Mapping[str, float]) -> tuple[Branch, ...]:
    x = np.asarray(x, dtype=np.float64)
    m = params["margin"]
    return (
        Branch(
            "y = 1 (similar)",
            losses.contrastive(1.0, x, margin=m),
            losses.contrastive_grad(1.0, x, margin=m),
        ),
        Branch(
            "y = 0 (dissimilar)",
            losses.contrastive(0.0, x, margin=m),
            losses.contrastive_grad(0.0, x, margin=m),
        ),
    )


def _contrastive_markers(params: Mapping[str, float]) -> tuple[Marker, ...]:
    m = float(params["margin"])
    return (Marker(m, f"d = m = {_fmt(m)}"),)


def _contrastive_surface(d: np.ndarray, m: np.ndarray, _params: Mapping[str, float]) -> np.ndarray:
    return losses.contrastive(0.0, d, margin=m)  # a dissimilar pair; m broadcasts


def _triplet_curve(x: np.ndarray, params: Mapping[str, float]) -> tuple[Branch, ...]:
    x = np.asarray(x, dtype=np.float64)
    d_neg = float(params["d_neg"])
    d_pos = d_neg + x
    # A distance cannot be negative: where d_pos = d_neg + x < 0 (only when the d_neg
    # slider is below 3) the point does not exist and is NaN, so it is not drawn.
    valid = d_pos >= 0.0
    d_pos = np.where(valid, d_pos, 0.0)
    m = params["margin"]
    loss = losses.triplet(d_pos, d_neg, margin=m)
    grad = losses.triplet_grad(d_pos, d_neg, margin=m)[0]  # ∂/∂d_pos = d/dx
    return (
        Branch(
            "max(0, d₊ − d₋ + m)",
            np.where(valid, loss, np.nan),
            np.where(valid, grad, np.nan),
        ),
    )


def _triplet_markers(params: Mapping[str, float]) -> tuple[Marker, ...]:
    m = float(params["margin"])
    return (Marker(-m, f"hinge at d₊ − d₋ = −m = {_fmt(-m)}"),)


def _triplet_surface(
    d_pos: np.ndarray, d_neg: np.ndarray, params: Mapping[str, float]
) -> np.ndarray:
    return losses.triplet(d_pos, d_neg, margin=params["margin"])


# --------------------------------------------------------------------------- preference


def _bt_curve(x: np.ndarray, params: Mapping[str, float]) -> tuple[Branch, ...]:
    x = np.asarray(x, dtype=np.float64)
    m = params["margin"]
    s = _sigmoid(x)
    return (
        Branch(
            "−log σ(Δr − m)",
            losses.bradley_terry(x, 0.0, margin=m),
            losses.bradley_terry_grad(x, 0.0, margin=m)[0],
        ),
        # The implied preference probability does not involve the training margin.
        Branch("P(chosen ≻ rejected) = σ(Δr)", s, s * (1.0 - s)),
    )


def _bt_markers(params: Mapping[str, float]) -> tuple[Marker, ...]:
    m = float(params["margin"])
    return (Marker(m, f"Δr = m = {_fmt(m)}"),)


def _bt_surface(rc: np.ndarray, rr: np.ndarray, params: Mapping[str, float]) -> np.ndarray:
    return losses.bradley_terry(rc, rr, margin=params["margin"])


# --------------------------------------------------------------------------- content

_LN2 = "ln 2 ≈ 0.693"

_GOODFELLOW = Reference(
    "I. Goodfellow, Y. Bengio, A. Courville",
    "Deep Learning (§6.2.2, sigmoid and softmax output units)",
    2016,
    "MIT Press",
    "https://www.deeplearningbook.org/",
)

_MARGIN_METRIC = Param(
    name="margin",
    symbol="m",
    latex="m",
    default=1.0,
    min=0.0,
    max=3.0,
    step=0.05,
    help="Margin m: how far apart (in distance units) the loss wants the pair or triplet to be.",
)

_REGRESSION_INPUTS = (
    Input("y_true", "y", "target value", (-INF, INF)),
    Input("y_pred", "ŷ", "prediction", (-INF, INF)),
)
_BINARY_INPUTS = (
    Input("labels", "y", "label: probability of class 1 (0 or 1, soft labels allowed)", (0.0, 1.0)),
    Input("logits", "z", "logit of class 1; p = σ(z)", (-INF, INF)),
)

_specs: list[LossSpec] = [
    LossSpec(
        key="mse",
        title="Mean squared error",
        family="regression",
        fn=losses.mse,
        grad=losses.mse_grad,
        latex=r"\ell(y, \hat y) = (y - \hat y)^2",
        grad_latex=r"\frac{\partial \ell}{\partial \hat y} = 2\,(\hat y - y)",
        params=(),
        inputs=_REGRESSION_INPUTS,
        one_liner=(
            "Squared error: a prediction pays the square of its distance from the target, "
            "so large errors dominate."
        ),
        when_to_use=(
            "Use it for regression when the noise is roughly Gaussian and one large error "
            "really is worse than several small ones: minimising MSE gives the conditional "
            "mean, and it is the maximum-likelihood loss under Gaussian noise of fixed variance. "
            "Its gradient 2(ŷ − y) shrinks smoothly to zero, which makes optimisation easy. "
            "Avoid it when the data contain outliers."
        ),
        pitfalls=(
            "Not robust: one point with residual 10 costs as much as 100 points with residual 1, "
            "and its gradient grows without bound, so a single outlier drags the whole fit.",
            "Conventions differ by a factor 2: many texts use ½(y − ŷ)² so that the gradient is "
            "ŷ − y; PyTorch's MSELoss and this app use (y − ŷ)², whose gradient is 2(ŷ − y).",
            "MSE is in squared units of the target; take its square root (RMSE) to compare errors "
            "with the target's scale.",
            "PyTorch's default reduction='mean' divides by the number of elements, so the gradient "
            "scale, and hence the effective learning rate, depends on the batch and output sizes.",
        ),
        references=(
            Reference(
                "A.-M. Legendre",
                "Nouvelles méthodes pour la détermination des orbites des comètes",
                1805,
                "Firmin Didot, Paris",
            ),
            Reference(
                "C. F. Gauss",
                "Theoria motus corporum coelestium in sectionibus conicis solem ambientium",
                1809,
                "Perthes & Besser, Hamburg",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=False,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Regression with Gaussian-like noise; the default for predicting a mean.",
        ),
        curve=Curve(_R_LABEL, _R_RANGE, (), _regression_curve("mse"), _no_markers, "∂ℓ/∂ŷ"),
        surface=_two_residual_surface("mse"),
    ),
    LossSpec(
        key="mae",
        title="Mean absolute error",
        family="regression",
        fn=losses.mae,
        grad=losses.mae_grad,
        latex=r"\ell(y, \hat y) = |y - \hat y|",
        grad_latex=(
            r"\frac{\partial \ell}{\partial \hat y} = \operatorname{sign}(\hat y - y)"
            r"\quad (0 \text{ at } \hat y = y)"
        ),
        params=(),
        inputs=_REGRESSION_INPUTS,
        one_liner="Absolute error: a prediction pays its distance from the target, linearly.",
        when_to_use=(
            "Use it for regression with heavy-tailed noise or outliers: every point pulls with "
            "the same force (gradient ±1), so the minimiser is the conditional median rather "
            "than the mean. It is the maximum-likelihood loss under Laplace noise, and the "
            "τ = 0.5 case of the quantile (pinball) loss."
        ),
        pitfalls=(
            "Not differentiable at r = 0: the gradient jumps from −1 to +1; frameworks (and this "
            "app) use the subgradient 0 there.",
            "The gradient does not shrink near the optimum, so gradient descent with a fixed "
            "step keeps oscillating around the solution; decay the learning rate.",
            "The minimiser need not be unique: with an even number of points any value between "
            "the two middle ones minimises the total absolute error.",
            "PyTorch calls it L1Loss; do not confuse it with L1 regularisation (|w| on the "
            "weights), which is a penalty on parameters, not on residuals.",
        ),
        references=(
            Reference(
                "R. Koenker, G. Bassett Jr.",
                "Regression Quantiles",
                1978,
                "Econometrica 46(1), 33–50",
                "https://doi.org/10.2307/1913643",
            ),
            Reference(
                "P. J. Huber, E. M. Ronchetti",
                "Robust Statistics (2nd edition)",
                2009,
                "Wiley",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=True,
            differentiable_everywhere=False,
            typical_use="Regression with outliers or heavy tails; predicting a median.",
        ),
        curve=Curve(_R_LABEL, _R_RANGE, (), _regression_curve("mae"), _mae_markers, "∂ℓ/∂ŷ"),
        surface=_two_residual_surface("mae"),
    ),
    LossSpec(
        key="huber",
        title="Huber loss",
        family="regression",
        fn=losses.huber,
        grad=losses.huber_grad,
        latex=(
            r"\ell_\delta(r) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\"
            r" \delta\,\big(|r| - \tfrac12\delta\big) & |r| > \delta \end{cases},"
            r"\quad r = \hat y - y"
        ),
        grad_latex=(
            r"\frac{\partial \ell}{\partial \hat y} = \operatorname{clip}(r,\, -\delta,\, \delta)"
        ),
        params=(
            Param(
                name="delta",
                symbol="δ",
                latex=r"\delta",
                default=1.0,
                min=0.05,
                max=5.0,
                step=0.05,
                help="Residual size where the loss switches from quadratic to linear.",
            ),
        ),
        inputs=_REGRESSION_INPUTS,
        one_liner=(
            "Quadratic for small residuals and linear for large ones: like MSE near the "
            "target and like MAE far from it, switching at |r| = δ."
        ),
        when_to_use=(
            "Use it for regression when most errors are Gaussian-like but a few are outliers: "
            "small residuals get the efficient squared loss, large ones only a constant pull of "
            "size δ. δ is the residual size beyond which a point counts as an outlier, so set it "
            "on the scale of the noise (Huber's δ = 1.345σ keeps 95% efficiency under Gaussian "
            "noise). It is also the TD-error loss of DQN and, as Smooth L1, the box-regression "
            "loss of Fast R-CNN."
        ),
        pitfalls=(
            "Huber and Smooth L1 differ by a factor δ: PyTorch's SmoothL1Loss(beta=δ) equals "
            "HuberLoss(delta=δ) / δ. They coincide only for δ = 1; Smooth L1's linear part has "
            "slope 1, Huber's has slope δ.",
            "δ is in the units of the residual: rescaling the targets without rescaling δ changes "
            "which points are treated as outliers.",
            "Differentiable everywhere, but the second derivative jumps from 1 to 0 at |r| = δ, "
            "so second-order methods see a discontinuous curvature.",
            "As δ → 0, Huber/δ tends to MAE; as δ → ∞ Huber tends to ½r², which is half of MSE "
            "as defined here (r²).",
        ),
        references=(
            Reference(
                "P. J. Huber",
                "Robust Estimation of a Location Parameter",
                1964,
                "Annals of Mathematical Statistics 35(1), 73–101",
                "https://doi.org/10.1214/aoms/1177703732",
            ),
            Reference(
                "R. Girshick",
                "Fast R-CNN (Smooth L1 loss)",
                2015,
                "ICCV",
                "https://arxiv.org/abs/1504.08083",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=True,
            differentiable_everywhere=True,
            typical_use="Robust regression; bounding-box regression; TD errors in deep Q-learning.",
        ),
        curve=Curve(_R_LABEL, _R_RANGE, (), _regression_curve("huber"), _huber_markers, "∂ℓ/∂ŷ"),
        surface=Surface(
            x_label=_R_LABEL,
            y_label="δ (switch from quadratic to linear)",
            x_range=_R_RANGE,
            y_range=_RD_Y_RANGE,
            evaluate=_huber_surface,
            y_param="delta",
            x_short="r",
            y_short="δ",
        ),
    ),
    LossSpec(
        key="binary_cross_entropy",
        title="Binary cross-entropy",
        family="classification",
        fn=losses.binary_cross_entropy,
        grad=losses.binary_cross_entropy_grad,
        latex=r"\ell(y, z) = -\big[\,y \log \sigma(z) + (1 - y) \log\big(1 - \sigma(z)\big)\big]",
        grad_latex=r"\frac{\partial \ell}{\partial z} = \sigma(z) - y",
        params=(
            Param(
                name="pos_weight",
                symbol="w₊",
                latex="w_{+}",
                default=1.0,
                min=0.0,
                max=10.0,
                step=0.1,
                help="Weight of the positive class's term (PyTorch pos_weight); 1 = unweighted.",
            ),
        ),
        inputs=_BINARY_INPUTS,
        one_liner="Negative log-likelihood of a yes/no label under the predicted probability σ(z).",
        when_to_use=(
            "Use it for binary classification and for multi-label problems (an independent "
            "yes/no per output). Computed from the logit it is convex and its gradient "
            "σ(z) − y is bounded by 1, which makes it the standard partner of a sigmoid output. "
            "Labels may be soft (any y in [0, 1]), e.g. with label smoothing."
        ),
        pitfalls=(
            "Compute it from logits (PyTorch's BCEWithLogitsLoss), not from probabilities: "
            "1 − σ(z) rounds to 0 once z ≳ 37 in float64 (≳ 17 in float32), and log 0 = −inf, "
            "while the logit form softplus(−z) stays exact.",
            f"Natural log vs log base 2: values here are in nats (as in PyTorch and TensorFlow); "
            f"in bits they are larger by 1/ln 2 ≈ 1.443. At z = 0 the loss is {_LN2} nats = 1 bit.",
            "Confidently wrong examples cost a loss growing linearly in |z| without bound, so "
            "mislabelled points are not ignored.",
            "With class imbalance the batch mean is dominated by the frequent class; weight the "
            "positives (pos_weight) or use focal loss.",
        ),
        references=(
            Reference(
                "D. R. Cox",
                "The Regression Analysis of Binary Sequences",
                1958,
                "Journal of the Royal Statistical Society, Series B 20(2), 215–242",
            ),
            _GOODFELLOW,
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Binary and multi-label classification with a sigmoid output.",
        ),
        curve=Curve(_Z_LABEL, _Z_RANGE, (), _bce_curve, _half_marker, "∂ℓ/∂z"),
        surface=Surface(
            x_label=_Z_LABEL,
            y_label="label y (soft labels in between)",
            x_range=_Z_RANGE,
            y_range=(0.0, 1.0),
            evaluate=_bce_surface,
            x_short="z",
            y_short="y",
        ),
    ),
    LossSpec(
        key="categorical_cross_entropy",
        title="Categorical cross-entropy",
        family="classification",
        fn=losses.categorical_cross_entropy,
        grad=losses.categorical_cross_entropy_grad,
        latex=r"\ell(y, z) = -\sum_k y_k \log \frac{e^{z_k}}{\sum_j e^{z_j}}",
        grad_latex=(
            r"\frac{\partial \ell}{\partial z_k} = \operatorname{softmax}(z)_k - y_k"
            r"\quad \big(\textstyle\sum_k y_k = 1\big)"
        ),
        params=(
            Param(
                name="label_smoothing",
                symbol="ε",
                latex=r"\varepsilon",
                default=0.0,
                min=0.0,
                max=1.0,
                step=0.01,
                help="Label smoothing ε: the target is (1 − ε)·y + ε/K (PyTorch).",
            ),
        ),
        inputs=(
            Input(
                "labels",
                "y",
                "one-hot or soft label vector over the last axis (sums to 1)",
                (0.0, 1.0),
            ),
            Input(
                "logits", "z", "one logit per class on the last axis; p = softmax(z)", (-INF, INF)
            ),
        ),
        one_liner=(
            "Negative log of the probability that the softmax of the logits gives the true class."
        ),
        when_to_use=(
            "Use it for single-label classification with K mutually exclusive classes: the model "
            "outputs K logits, softmax turns them into probabilities and the loss is −log p of the "
            "true class. Its gradient with respect to the logits is simply softmax(z) − y. With "
            "K = 2 it is exactly binary cross-entropy on the logit difference z₀ − z₁."
        ),
        pitfalls=(
            "Pass logits, not probabilities: PyTorch's CrossEntropyLoss applies log-softmax "
            "itself, so feeding it softmax outputs applies softmax twice and flattens the "
            "gradients.",
            "Natural log vs log base 2: values here are in nats; in bits they are 1/ln 2 ≈ 1.443 "
            "times larger. A uniform guess over K classes costs ln K nats = log₂ K bits.",
            "Adding the same constant to every logit changes nothing (softmax is shift invariant): "
            "only differences matter, and p₀ = ½ exactly where z₀ = log Σ_{k≠0} e^{z_k}.",
            "The loss keeps falling as the true logit grows, so on separable data the logits grow "
            "without bound (overconfidence); label smoothing or weight decay counter it.",
        ),
        references=(
            Reference(
                "J. S. Bridle",
                "Probabilistic Interpretation of Feedforward Classification Network Outputs, "
                "with Relationships to Statistical Pattern Recognition",
                1990,
                "Neurocomputing: Algorithms, Architectures and Applications "
                "(NATO ASI Series F68), Springer",
            ),
            _GOODFELLOW,
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Single-label multi-class classification with a softmax output.",
        ),
        curve=Curve(
            x_label="true-class logit z₀",
            x_range=(-6.0, 6.0),
            scene=(
                Param(
                    name="n_classes",
                    symbol="K",
                    latex="K",
                    default=3.0,
                    min=2.0,
                    max=10.0,
                    step=1.0,
                    help="Number of classes K; classes beyond the first three have logit 0.",
                ),
                Param(
                    name="other_logit_1",
                    symbol="z₁",
                    latex="z_1",
                    default=1.0,
                    min=-5.0,
                    max=5.0,
                    step=0.1,
                    help="Logit z₁ of the first wrong class.",
                ),
                Param(
                    name="other_logit_2",
                    symbol="z₂",
                    latex="z_2",
                    default=0.0,
                    min=-5.0,
                    max=5.0,
                    step=0.1,
                    help="Logit z₂ of the second wrong class (unused when K = 2).",
                ),
            ),
            evaluate=_cce_curve,
            markers=_cce_markers,
            grad_label="∂ℓ/∂z₀",
        ),
        surface=Surface(
            x_label="true-class logit z₀",
            y_label="logit z₁ of the first wrong class",
            x_range=(-5.0, 5.0),
            y_range=(-5.0, 5.0),
            evaluate=_cce_surface,
            y_param="other_logit_1",
            equal_axes=True,
            x_short="z₀",
            y_short="z₁",
        ),
    ),
    LossSpec(
        key="focal",
        title="Focal loss",
        family="classification",
        fn=losses.focal,
        grad=losses.focal_grad,
        latex=(
            r"\ell = -\alpha_t\,(1 - p_t)^{\gamma} \log p_t,\quad p = \sigma(z),\;"
            r" p_t = p\,y + (1 - p)(1 - y),\; \alpha_t = \alpha\,y + (1 - \alpha)(1 - y)"
        ),
        grad_latex=(
            r"\frac{\partial \ell}{\partial z} = (2y - 1)\,\alpha_t\,(1 - p_t)^{\gamma}"
            r"\big[\gamma\, p_t \log p_t - (1 - p_t)\big]\quad (y \in \{0, 1\})"
        ),
        params=(
            Param(
                name="gamma",
                symbol="γ",
                latex=r"\gamma",
                default=2.0,
                min=0.0,
                max=5.0,
                step=0.1,
                help="Focusing parameter: the larger γ, the less easy examples (p_t near 1) count.",
            ),
            Param(
                name="alpha",
                symbol="α",
                latex=r"\alpha",
                default=0.25,
                min=0.0,
                max=1.0,
                step=0.05,
                help="Weight α of the positive class (y = 1); the negative class gets 1 − α.",
                optional=True,
            ),
        ),
        inputs=_BINARY_INPUTS,
        one_liner=(
            "Cross-entropy scaled by (1 − p_t)^γ, so well-classified examples contribute almost "
            "nothing and training focuses on the hard ones."
        ),
        when_to_use=(
            "Use it for binary (or one-vs-all) classification with extreme imbalance, where a "
            "flood of easy negatives would otherwise dominate the loss; its original setting is "
            "dense one-stage object detection (RetinaNet, ~100k candidate boxes per image). "
            "γ = 0 without α gives back binary cross-entropy; the paper's best setting is "
            "γ = 2, α = 0.25."
        ),
        pitfalls=(
            "α weights the positive class (α_t = α for y = 1, 1 − α for y = 0). With α = 0.25 the "
            "rare positives get the smaller weight: in the paper the best α falls as γ grows, "
            "because γ already down-weights the easy negatives so much.",
            "Not convex for γ > 0, and smaller than cross-entropy everywhere, so the same learning "
            "rate takes smaller steps; the paper also initialises the last bias so that p ≈ 0.01 "
            "at the start, for stability.",
            "Implementations differ: torchvision's sigmoid_focal_loss (the form used here) takes "
            "logits with α on the positive class; multi-class versions use softmax and a per-class "
            "α vector, and some drop α altogether (alpha=None here).",
        ),
        references=(
            Reference(
                "T.-Y. Lin, P. Goyal, R. Girshick, K. He, P. Dollár",
                "Focal Loss for Dense Object Detection",
                2017,
                "ICCV",
                "https://arxiv.org/abs/1708.02002",
            ),
        ),
        properties=Properties(
            # For γ > 0 the second derivative along z is negative for z < −2 − 1/γ
            # (label 1; mirrored for label 0): convex only at γ = 0, where focal is BCE.
            convex=Depends(lambda p: p["gamma"] == 0.0, "γ = 0 only, where it is BCE"),
            bounded_gradient=True,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Heavily imbalanced detection and classification (RetinaNet).",
        ),
        curve=Curve(_Z_LABEL, _Z_RANGE, (), _focal_curve, _half_marker, "∂ℓ/∂z"),
        surface=Surface(
            x_label="p_t (probability of the true class, y = 1)",
            z_label="loss (α off)",
            y_label="γ (focusing parameter)",
            x_range=(0.001, 0.999),
            y_range=(0.0, 5.0),
            evaluate=_focal_surface,
            y_param="gamma",
            uses=(),
            log_colour=True,
            x_short="p_t",
            y_short="γ",
        ),
    ),
    LossSpec(
        key="kl_divergence",
        title="Kullback–Leibler divergence",
        family="divergence",
        fn=losses.kl_divergence,
        grad=losses.kl_divergence_grad,
        latex=r"D_{\mathrm{KL}}(P \,\|\, Q) = \sum_i p_i \log \frac{p_i}{q_i}",
        grad_latex=(
            r"\frac{\partial D_{\mathrm{KL}}}{\partial q_i} = -\frac{p_i}{q_i};\quad"
            r"\text{on the curve, } Q = \mathcal{N}(\mu_Q, \sigma_Q^2):\;"
            r"\frac{d D_{\mathrm{KL}}(P\|Q)}{d\mu_Q}"
            r" = \sum_i \frac{\partial D_{\mathrm{KL}}}{\partial q_i}\,"
            r"\frac{\partial q_i}{\partial \mu_Q}"
            r" = \frac{\mathbb{E}_Q[x] - \mathbb{E}_P[x]}{\sigma_Q^2}"
        ),
        params=(),
        inputs=(
            Input("p", "P", "target distribution over the last axis (sums to 1)", (0.0, 1.0)),
            Input("q", "Q", "model distribution over the last axis (sums to 1)", (0.0, 1.0)),
        ),
        one_liner=(
            "How many extra nats it costs, on average, to encode samples of P with a code built "
            "for Q: Σ p log(p/q) ≥ 0, zero only when Q = P."
        ),
        when_to_use=(
            "Use it to fit a model distribution Q to a target P: knowledge distillation with soft "
            "teacher targets, variational inference, or a penalty keeping a fine-tuned policy near "
            "its reference in RLHF. Minimising KL(P‖Q) over Q is minimising the cross-entropy of Q "
            "under P, because the entropy of P is a constant. The direction matters: KL(P‖Q) is "
            "mass-covering (Q must put mass wherever P does), KL(Q‖P) is mode-seeking."
        ),
        pitfalls=(
            "PyTorch's KLDivLoss with reduction='mean' divides the sum by batch × number of "
            "classes, which is not the KL divergence; reduction='batchmean' divides by the batch "
            "size only and gives the true mean KL per example. KLDivLoss also takes log q as input "
            "and p as target.",
            "Asymmetric: KL(P‖Q) ≠ KL(Q‖P) in general. It is +inf wherever q = 0 but p > 0 "
            "(Q calls impossible what P says happens), while q > 0 where p = 0 costs nothing.",
            "Natural log vs log base 2: values here are in nats; in bits divide by ln 2 "
            "(multiply by ≈ 1.443).",
            "KL between densities vs between discretised distributions: this view's curves sum "
            "over a fine grid on [−20, 20] (wide enough for every slider setting) and agree with "
            "the closed form for continuous Gaussians that the surface uses to 1e-3.",
        ),
        references=(
            Reference(
                "S. Kullback, R. A. Leibler",
                "On Information and Sufficiency",
                1951,
                "Annals of Mathematical Statistics 22(1), 79–86",
                "https://doi.org/10.1214/aoms/1177729694",
            ),
            Reference(
                "T. M. Cover, J. A. Thomas",
                "Elements of Information Theory (2nd edition)",
                2006,
                "Wiley",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=False,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Distillation, variational inference, KL penalties in RLHF.",
        ),
        curve=Curve(
            x_label="μ_Q (mean of the model Gaussian Q)",
            x_range=(-5.0, 5.0),
            scene=(
                Param(
                    "mu_p",
                    "μ_P",
                    r"\mu_P",
                    0.0,
                    -4.0,
                    4.0,
                    0.1,
                    "Mean μ_P of the target Gaussian P.",
                ),
                Param(
                    "sigma_p",
                    "σ_P",
                    r"\sigma_P",
                    1.5,
                    0.2,
                    3.0,
                    0.05,
                    "Standard deviation σ_P of the target Gaussian P.",
                ),
                Param(
                    "sigma_q",
                    "σ_Q",
                    r"\sigma_Q",
                    0.7,
                    0.2,
                    3.0,
                    0.05,
                    "Standard deviation σ_Q of the model Gaussian Q.",
                ),
            ),
            evaluate=_kl_curve,
            markers=_kl_markers,
            grad_label="d/dμ_Q (nats per unit of μ_Q)",
            loss_label="divergence (nats)",
        ),
        surface=Surface(
            x_label="μ_Q (mean of Q)",
            y_label="σ_Q (std of Q)",
            x_range=(-4.0, 4.0),
            y_range=(0.2, 3.0),
            evaluate=_kl_surface,
            y_param="sigma_q",
            z_label="KL(P‖Q), nats",
            x_short="μ_Q",
            y_short="σ_Q",
        ),
    ),
    LossSpec(
        key="contrastive",
        title="Contrastive loss",
        family="metric",
        fn=losses.contrastive,
        grad=losses.contrastive_grad,
        latex=r"\ell(y, d) = y\, d^2 + (1 - y)\, \max(0,\, m - d)^2",
        grad_latex=r"\frac{\partial \ell}{\partial d} = 2\,y\,d - 2\,(1 - y)\max(0,\, m - d)",
        params=(_MARGIN_METRIC,),
        inputs=(
            Input("labels", "y", "1 for a similar pair, 0 for a dissimilar pair", (0.0, 1.0)),
            Input("distance", "d", "distance between the two embeddings", (0.0, INF)),
        ),
        one_liner=(
            "Pulls similar pairs together (y d²) and pushes dissimilar pairs apart until they are "
            "at least the margin m away ((1 − y) max(0, m − d)²)."
        ),
        when_to_use=(
            "Use it to learn an embedding from pairs labelled same or different (Siamese networks "
            "for face or signature verification, dimensionality reduction). Dissimilar pairs "
            "beyond the margin cost nothing, so the embedding is not pushed to spread out forever. "
            "Choose the margin on the scale of the embedding distances (e.g. at most 2 for "
            "unit-norm embeddings)."
        ),
        pitfalls=(
            "Which label means similar varies: here y = 1 is a similar pair, whereas Hadsell "
            "et al. (2006) write Y = 0 for similar and Y = 1 for dissimilar. Swapping the "
            "convention silently trains the opposite task.",
            "Factors differ: Hadsell et al. use ½ D² and ½ max(0, m − D)²; this app, like many "
            "libraries, drops the ½, so its values and gradients are twice as large.",
            "Some variants do not square (d instead of d², max(0, m − d) instead of its square); "
            "the unsquared hinge has a kink at d = m, the squared one used here is differentiable.",
            "Convex in the distance d, but not in the embeddings; and d = ‖f(a) − f(b)‖ is not "
            "differentiable at d = 0, so implementations add a small ε inside the square root.",
        ),
        references=(
            Reference(
                "R. Hadsell, S. Chopra, Y. LeCun",
                "Dimensionality Reduction by Learning an Invariant Mapping",
                2006,
                "CVPR",
                "http://yann.lecun.com/exdb/publis/pdf/hadsell-chopra-lecun-06.pdf",
            ),
            Reference(
                "S. Chopra, R. Hadsell, Y. LeCun",
                "Learning a Similarity Metric Discriminatively, "
                "with Application to Face Verification",
                2005,
                "CVPR",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=False,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Siamese networks: verification and embeddings from labelled pairs.",
        ),
        curve=Curve(
            x_label="distance d",
            x_range=(0.0, 3.0),
            scene=(),
            evaluate=_contrastive_curve,
            markers=_contrastive_markers,
            grad_label="∂ℓ/∂d",
        ),
        surface=Surface(
            x_label="distance d (dissimilar pair, y = 0)",
            y_label="margin m",
            x_range=(0.0, 3.0),
            y_range=(0.0, 3.0),
            evaluate=_contrastive_surface,
            y_param="margin",
            x_short="d",
            y_short="m",
        ),
    ),
    LossSpec(
        key="triplet",
        title="Triplet loss",
        family="metric",
        fn=losses.triplet,
        grad=losses.triplet_grad,
        latex=r"\ell(d_{+}, d_{-}) = \max(0,\; d_{+} - d_{-} + m)",
        grad_latex=(
            r"\frac{\partial \ell}{\partial d_{+}} = -\frac{\partial \ell}{\partial d_{-}}"
            r" = \mathbb{1}\left[d_{+} - d_{-} + m > 0\right]"
        ),
        params=(_MARGIN_METRIC,),
        inputs=(
            Input(
                "d_pos",
                "d₊",
                "distance from the anchor to the positive (same identity)",
                (0.0, INF),
            ),
            Input(
                "d_neg",
                "d₋",
                "distance from the anchor to the negative (other identity)",
                (0.0, INF),
            ),
        ),
        one_liner=(
            "Wants the anchor closer to the positive than to the negative by at least the margin: "
            "max(0, d₊ − d₋ + m)."
        ),
        when_to_use=(
            "Use it to learn embeddings where only relative similarity matters: face recognition "
            "(FaceNet), person re-identification, retrieval. Unlike contrastive loss it never asks "
            "a distance to reach a fixed value, only that the positive beat the negative by m. "
            "Most triplets soon satisfy the margin and give zero loss, so how triplets are mined "
            "matters as much as the loss."
        ),
        pitfalls=(
            "A hinge: not differentiable at d₊ − d₋ = −m (the subgradient 0 is used here), and "
            "exactly zero gradient for every satisfied triplet, so random triplets soon stop "
            "teaching anything.",
            "Mining the hardest negatives can collapse training (all embeddings equal, loss = m); "
            "FaceNet uses semi-hard negatives, d₊ < d₋ < d₊ + m.",
            "Squared or not: FaceNet uses squared Euclidean distances with m = 0.2 on unit-norm "
            "embeddings, others plain distances; the same m means different things in the two.",
            "Hard mining is sensitive to label noise: a mislabelled example becomes the hardest "
            "triplet in every batch it appears in.",
        ),
        references=(
            Reference(
                "F. Schroff, D. Kalenichenko, J. Philbin",
                "FaceNet: A Unified Embedding for Face Recognition and Clustering",
                2015,
                "CVPR",
                "https://arxiv.org/abs/1503.03832",
            ),
            Reference(
                "K. Q. Weinberger, L. K. Saul",
                "Distance Metric Learning for Large Margin Nearest Neighbor Classification",
                2009,
                "Journal of Machine Learning Research 10, 207–244",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=False,
            differentiable_everywhere=False,
            typical_use="Embeddings from (anchor, positive, negative) triplets: faces, re-ID.",
        ),
        curve=Curve(
            x_label="d₊ − d₋ (d₋ fixed by its slider)",
            x_range=(-3.0, 3.0),
            scene=(
                Param(
                    name="d_neg",
                    symbol="d₋",
                    latex="d_{-}",
                    default=2.0,
                    min=0.0,
                    max=5.0,
                    step=0.1,
                    help=(
                        "Anchor–negative distance d₋; points where d₊ = d₋ + x would be "
                        "negative are not drawn."
                    ),
                ),
            ),
            evaluate=_triplet_curve,
            markers=_triplet_markers,
            grad_label="∂ℓ/∂d₊",
        ),
        surface=Surface(
            x_label="d₊ (anchor–positive distance)",
            y_label="d₋ (anchor–negative distance)",
            x_range=(0.0, 4.0),
            y_range=(0.0, 4.0),
            evaluate=_triplet_surface,
            y_param="d_neg",
            equal_axes=True,
            x_short="d₊",
            y_short="d₋",
        ),
    ),
    LossSpec(
        key="bradley_terry",
        title="Bradley–Terry (reward-model) loss",
        family="preference",
        fn=losses.bradley_terry,
        grad=losses.bradley_terry_grad,
        latex=r"\ell(r_c, r_r) = -\log \sigma(r_c - r_r - m)",
        grad_latex=(
            r"\frac{\partial \ell}{\partial r_c} = -\frac{\partial \ell}{\partial r_r}"
            r" = \sigma(r_c - r_r - m) - 1"
        ),
        params=(
            Param(
                name="margin",
                symbol="m",
                latex="m",
                default=0.0,
                min=-3.0,
                max=3.0,
                step=0.1,
                help=(
                    "Margin m (Llama 2): the score gap the chosen answer must exceed "
                    "before the loss eases off."
                ),
            ),
        ),
        inputs=(
            Input(
                "score_chosen", "r_c", "reward-model score of the preferred response", (-INF, INF)
            ),
            Input(
                "score_rejected", "r_r", "reward-model score of the rejected response", (-INF, INF)
            ),
        ),
        one_liner=(
            "Negative log-likelihood that the chosen response beats the rejected one under the "
            "Bradley–Terry model P(chosen ≻ rejected) = σ(r_c − r_r)."
        ),
        when_to_use=(
            "Use it to train a scalar reward model from pairwise human preferences, the first "
            "stage of RLHF (Christiano et al. 2017; Ouyang et al. 2022): it is binary "
            "cross-entropy with label 1 on the score difference. Only differences are learned, "
            "so rewards are defined up to an additive constant. Llama 2 adds a margin m that "
            "demands a larger gap for pairs the raters marked as clearly better."
        ),
        pitfalls=(
            "Only score differences are identified: adding a constant to every score changes "
            "nothing, so reward scales drift between runs; normalise rewards before using them "
            "in RL.",
            "The margin moves the target, not the model: with m > 0 the loss keeps pushing until "
            "Δr is well above m, yet the implied preference probability is still σ(Δr).",
            "Argument order is the label: the loss takes (chosen, rejected), and swapping them "
            "trains the model to prefer the rejected answers.",
            "Human preferences are noisy (annotators often disagree), and a mislabelled pair with "
            "a large score gap costs about |Δr|, without bound.",
        ),
        references=(
            Reference(
                "R. A. Bradley, M. E. Terry",
                "Rank Analysis of Incomplete Block Designs: I. The Method of Paired Comparisons",
                1952,
                "Biometrika 39(3/4), 324–345",
                "https://doi.org/10.2307/2334029",
            ),
            Reference(
                "P. F. Christiano, J. Leike, T. B. Brown, M. Martic, S. Legg, D. Amodei",
                "Deep Reinforcement Learning from Human Preferences",
                2017,
                "NeurIPS",
                "https://arxiv.org/abs/1706.03741",
            ),
            Reference(
                "L. Ouyang, J. Wu, X. Jiang, et al.",
                "Training Language Models to Follow Instructions with Human Feedback",
                2022,
                "NeurIPS",
                "https://arxiv.org/abs/2203.02155",
            ),
            Reference(
                "H. Touvron, L. Martin, K. Stone, et al.",
                "Llama 2: Open Foundation and Fine-Tuned Chat Models",
                2023,
                "arXiv:2307.09288",
                "https://arxiv.org/abs/2307.09288",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Reward models for RLHF trained on pairwise preferences; ranking.",
        ),
        curve=Curve(
            x_label="Δr = r_c − r_r (score gap)",
            x_range=(-6.0, 6.0),
            scene=(),
            evaluate=_bt_curve,
            markers=_bt_markers,
            grad_label="∂/∂r_c (r_r = 0)",
        ),
        surface=Surface(
            x_label="r_c (score of the chosen response)",
            y_label="r_r (score of the rejected response)",
            x_range=(-5.0, 5.0),
            y_range=(-5.0, 5.0),
            evaluate=_bt_surface,
            equal_axes=True,
            x_short="r_c",
            y_short="r_r",
        ),
    ),
]

#: Every loss by key, in the order of the design table (read-only).
REGISTRY: Mapping[str, LossSpec] = types.MappingProxyType({s.key: s for s in _specs})
del _specs


def get(key: str) -> LossSpec:
    """The spec of loss ``key``; ValueError naming the key and the allowed ones if unknown."""
    try:
        return REGISTRY[key]
    except (KeyError, TypeError):
        raise ValueError(f"unknown loss {key!r}; allowed keys: {', '.join(REGISTRY)}") from None
